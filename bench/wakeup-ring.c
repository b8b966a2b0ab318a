// What one wake-up costs this machine by itself, for comparison with what a p2pchat peer spends per wake-up
// (bench/procs.py --per-thread). N processes in a ring of pipes pass a one-byte token ROUNDS times round; each, when
// woken, touches PAGES pages of its own (4 KiB apart) before passing it on, standing for the data a peer meets cold.
// Prints the time per hop: one wake-up, one read, the touches and one write.
//   gcc -O2 bench/wakeup-ring.c -o /tmp/wakeup-ring && /tmp/wakeup-ring 300 64 200
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile char *pages(int count)
{
    volatile char *buffer = mmap(0, (size_t)(count + 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int k = 0; k <= count; k++)
        buffer[k * 4096] = 1;
    return buffer;
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[1]) < 2) {
        fprintf(stderr, "usage: wakeup-ring PROCESSES(>=2) PAGES ROUNDS\n");
        return 2;
    }
    int n = atoi(argv[1]), p = atoi(argv[2]), rounds = atoi(argv[3]);
    int (*fd)[2] = malloc(sizeof(int[2]) * n);
    for (int i = 0; i < n; i++)
        if (pipe(fd[i]) != 0) { perror("pipe"); return 1; }
    for (int i = 1; i < n; i++)
        if (fork() == 0) {
            volatile char *buffer = pages(p);
            char c;
            for (;;) {
                if (read(fd[i][0], &c, 1) != 1)
                    _exit(1);
                for (int k = 0; k < p; k++)
                    buffer[k * 4096]++;
                if (write(fd[(i + 1) % n][1], &c, 1) != 1)
                    _exit(1);
                if (c == 'q') // the last round: passed on, then gone
                    _exit(0);
            }
        }
    volatile char *buffer = pages(p);
    char c = 'x';
    if (write(fd[1][1], &c, 1) != 1 || read(fd[0][0], &c, 1) != 1) // one round to start everyone
        return 1;
    double start = now();
    for (int r = 0; r < rounds; r++) {
        if (write(fd[1][1], &c, 1) != 1 || read(fd[0][0], &c, 1) != 1)
            return 1;
        for (int k = 0; k < p; k++)
            buffer[k * 4096]++;
    }
    double elapsed = now() - start;
    printf("%d processes, %d pages touched a wake-up: %.1f us a hop\n", n, p, elapsed / rounds / n * 1e6);
    c = 'q';
    if (write(fd[1][1], &c, 1) != 1 || read(fd[0][0], &c, 1) != 1)
        return 1;
    while (wait(0) > 0)
        ;
    return 0;
}
