/* Linked into the release build's dynamic binaries (tools/release.sh) to keep their glibc floor low. glibc 2.29 gave
 * log and pow new symbol versions (new implementations; the old ones are still in every later glibc), and they were
 * the only symbols that needed more than 2.25: the binary linked against Debian 11 asked for GLIBC_2.29 for them
 * alone. The linker is told to send every call of log and pow to __wrap_log and __wrap_pow (--wrap), which call the
 * first versions. Results differ from the 2.29 ones by at most an ulp; p2pchat uses them for timer backoff only. */
#if defined(__x86_64__)
__asm__(".symver p2pchat_old_log,log@GLIBC_2.2.5");
__asm__(".symver p2pchat_old_pow,pow@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver p2pchat_old_log,log@GLIBC_2.17");
__asm__(".symver p2pchat_old_pow,pow@GLIBC_2.17");
#else
#error "no old symbol versions known for this architecture"
#endif

double p2pchat_old_log(double x);
double p2pchat_old_pow(double x, double y);

double __wrap_log(double x) { return p2pchat_old_log(x); }
double __wrap_pow(double x, double y) { return p2pchat_old_pow(x, y); }
