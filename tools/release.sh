#!/usr/bin/env bash
# The release build (`./build.sh --release`): dist/ with, for x64 and arm64, the primary artifact (a dynamic binary
# linked against Debian 11's glibc, whose floor is checked with objdump and named by --version) and a static one
# (no glibc needed: containers, empty roots, Alpine), each with a SHA-256 file; no .dbg files. Installs what it needs
# with apt when it can (clang, the arm64 cross binutils and gcc, debootstrap) or says what is missing. The sysroots
# (Debian 11 minbase with libc6-dev, ~45 s each to make) are cached under ${XDG_CACHE_HOME:-~/.cache}/p2pchat-release.
set -euo pipefail
cd "$(dirname "$0")/.."

# The glibc the dynamic binaries may need, at most: getrandom (2.25) is the newest symbol once log and pow are held
# at their first versions (tools/release/glibc-compat.c). Checked after each link.
glibc_floor=2.25
suite=bullseye
cache=${XDG_CACHE_HOME:-$HOME/.cache}/p2pchat-release
mirror=${P2PCHAT_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | sed -n 1p)}
mirror=${mirror:-http://deb.debian.org/debian}
dist=dist
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
started=$(date +%s)

say() { echo "release: $*" >&2; }

# Tools: command -> Debian package.
declare -A tools=([clang-14]=clang-14 [aarch64-linux-gnu-gcc]=gcc-aarch64-linux-gnu [aarch64-linux-gnu-objcopy]=binutils-aarch64-linux-gnu
  [aarch64-linux-gnu-objdump]=binutils-aarch64-linux-gnu [debootstrap]=debootstrap [objdump]=binutils [sha256sum]=coreutils)
missing=()
for tool in "${!tools[@]}"; do
  command -v "$tool" >/dev/null || missing+=("${tools[$tool]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing: ${missing[*]} (apt-get install -y ${missing[*]}, as root)"
    exit 1
  fi
fi

# A Debian 11 root with libc6-dev for one architecture, its absolute symlinks made relative (clang resolves them
# inside the sysroot only then). arm64 is unpacked without running anything (--foreign), then libc6-dev by hand.
sysroot() {
  local arch=$1 dir=$cache/sysroot-$suite-$1
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$cache"
    say "making the $suite $arch sysroot from $mirror (once; cached in $dir)"
    if [ "$arch" = amd64 ]; then
      # With the NSS modules a lab host may have: tools/portability.sh runs the binaries in this root too.
      debootstrap --variant=minbase --include=libc6-dev,libnss-sss,libnss-mdns "$suite" "$dir" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1
    else
      debootstrap --foreign --arch="$arch" --variant=minbase --include=libc6-dev "$suite" "$dir" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1
      for deb in "$dir"/var/cache/apt/archives/{libc6-dev,linux-libc-dev,libcrypt-dev}_*.deb; do
        dpkg-deb -x "$deb" "$dir"
      done
    fi || { say "debootstrap failed: see $cache/debootstrap-$arch.log"; exit 1; }
    find "$dir" -type l -lname '/*' | while read -r link; do
      ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir$(readlink "$link")")" "$link"
    done
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# publish RID OUTPUT TARGET-TEXT MSBUILD-ARGS...: one native binary into dist/, no .dbg, any warning fails.
publish() {
  local rid=$1 output=$2 target=$3
  shift 3
  local out=obj/release/$output
  rm -rf "$out"
  say "$output ($target)"
  dotnet publish p2pchat.csproj -c Release -r "$rid" -o "$out" -nologo -clp:NoSummary -p:TreatWarningsAsErrors=true -warnaserror \
    -p:SourceRevisionId="$commit" "-p:P2PChatTarget=${target//,/%2C}" "$@" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
  if grep -E "warning [A-Z]+[0-9]+" "$out.log" >&2; then
    say "the publish of $output printed warnings; refusing to ship"
    exit 1
  fi
  cp "$out/p2pchat" "$dist/$output"
}

# The glibc floor of a dynamic binary: the newest GLIBC_ version it asks for (sort -V on the versions alone).
floor() { "$2" -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1; }

rm -rf "$dist"
mkdir -p "$dist" obj/release
x64_root=$(sysroot amd64)
arm64_root=$(sysroot arm64)
clang-14 --sysroot="$x64_root" -O2 -fPIC -c tools/release/glibc-compat.c -o obj/release/glibc-compat-x64.o
clang-14 --target=aarch64-linux-gnu --sysroot="$arm64_root" -O2 -fPIC -c tools/release/glibc-compat.c -o obj/release/glibc-compat-arm64.o

publish linux-x64 p2pchat-linux-x64 "linux-x64, glibc >= $glibc_floor" -p:SysRoot="$x64_root" -p:CppCompilerAndLinker=clang-14 \
  -p:ObjCopyName=objcopy -p:P2PChatGlibcCompat="$PWD/obj/release/glibc-compat-x64.o"
publish linux-x64 p2pchat-linux-x64-static "linux-x64, static" -p:StaticExecutable=true -p:PositionIndependentExecutable=false \
  -p:CppCompilerAndLinker=gcc -p:ObjCopyName=objcopy
publish linux-arm64 p2pchat-linux-arm64 "linux-arm64, glibc >= $glibc_floor" -p:SysRoot="$arm64_root" -p:CppCompilerAndLinker=clang-14 \
  -p:ObjCopyName=aarch64-linux-gnu-objcopy -p:P2PChatGlibcCompat="$PWD/obj/release/glibc-compat-arm64.o"
publish linux-arm64 p2pchat-linux-arm64-static "linux-arm64, static" -p:StaticExecutable=true -p:PositionIndependentExecutable=false \
  -p:CppCompilerAndLinker=aarch64-linux-gnu-gcc -p:ObjCopyName=aarch64-linux-gnu-objcopy

# What --version claims must be what the files are.
for pair in "p2pchat-linux-x64 objdump" "p2pchat-linux-arm64 aarch64-linux-gnu-objdump"; do
  set -- $pair
  found=$(floor "$dist/$1" "$2")
  if [ "$found" != "$glibc_floor" ]; then
    say "$1 needs glibc $found, not the $glibc_floor it claims (objdump -T): a new libc symbol crept in"
    exit 1
  fi
done
for pair in "p2pchat-linux-x64-static objdump" "p2pchat-linux-arm64-static aarch64-linux-gnu-objdump"; do
  set -- $pair
  if "$2" -p "$dist/$1" | grep -qE "NEEDED|INTERP"; then
    say "$1 is not static (objdump -p shows NEEDED or INTERP)"
    exit 1
  fi
done

# The size budget README promises ("Install on a lab machine"), in bytes.
declare -A budget=([p2pchat-linux-x64]=5000000 [p2pchat-linux-x64-static]=6000000 [p2pchat-linux-arm64]=5000000 [p2pchat-linux-arm64-static]=6000000)
for artifact in "${!budget[@]}"; do
  size=$(stat -c %s "$dist/$artifact")
  if [ "$size" -gt "${budget[$artifact]}" ]; then
    say "$artifact is $size bytes, over its budget of ${budget[$artifact]} (README, Install on a lab machine)"
    exit 1
  fi
done

(cd "$dist" && for f in p2pchat-linux-*; do sha256sum "$f" >"$f.sha256"; done)
say "done in $(( $(date +%s) - started )) s: $dist/"
(cd "$dist" && ls -l p2pchat-linux-* | grep -v sha256 | awk '{ printf "  %-36s %9d bytes\n", $9, $5 }') >&2
