#!/usr/bin/env bash
# Checks that the Docker runtime image can run the crawler binary: every
# shared library `ldd` resolves for it must come from a Debian package that
# is either listed in scripts/runtime-packages (installed by the Dockerfile's
# runtime stage) or already in debian:12-slim; no library may be "not found";
# and the Dockerfile's runtime stage must COPY that list and apt-get install
# it. Runs on the Debian 12 build host: ldd and dpkg -S see the host's files.
#
# Usage: runtime_libraries_test.sh CRAWLER_BINARY REPO_ROOT [PACKAGE_LIST]
#   PACKAGE_LIST defaults to REPO_ROOT/scripts/runtime-packages.
# Exit: 0 covered; 1 a check failed (the message names what is missing);
#       2 unusable invocation or environment.
set -euo pipefail

readonly kLddTimeout=60   # seconds; ldd runs the dynamic loader once
readonly kDpkgTimeout=60  # seconds; one dpkg -S call for all paths

# Packages of debian:12-slim (bookworm-slim, amd64). Debian 12 gives library
# packages Priority "optional" (dpkg-query reports libc6, libgcc-s1,
# libstdc++6 and zlib1g as optional, not required), so "priority required"
# cannot tell what slim holds. The image is debootstrap --variant=minbase:
# the Essential and Priority-required packages plus their Depends closure.
# This list is that image's dpkg database as published by docker-library
# (repo-info, repos/debian/local/bookworm-slim.md), cross-checked against
# the closure computed from the bookworm Packages index.
readonly -a kSlimPackages=(
  adduser apt base-files base-passwd bash bsdutils coreutils dash debconf
  debian-archive-keyring debianutils diffutils dpkg e2fsprogs findutils
  gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1
  libapt-pkg6.0 libattr1 libaudit-common libaudit1 libblkid1 libbz2-1.0
  libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1 libdb5.3
  libdebconfclient0 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10
  libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1 liblzma5 libmd0
  libmount1 libnettle8 libp11-kit0 libpam-modules libpam-modules-bin
  libpam-runtime libpam0g libpcre2-8-0 libseccomp2 libselinux1
  libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libstdc++6
  libsystemd0 libtasn1-6 libtinfo6 libudev1 libunistring2 libuuid1
  libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin
  passwd perl-base sed sysvinit-utils tar tzdata usr-is-merged util-linux
  util-linux-extra zlib1g
)

# Sanitizer runtimes: present only in the asan preset's binary, never in the
# image (the Dockerfile builds the release preset). Reported, not required.
readonly -a kSanitizerPackages=(libasan8 libubsan1 liblsan0 libtsan2 libhwasan0)

die_usage() { echo "runtime_libraries_test: $*" >&2; exit 2; }

if (($# < 2 || $# > 3)); then
  die_usage "usage: $0 CRAWLER_BINARY REPO_ROOT [PACKAGE_LIST]"
fi
binary=$1
repo=$2
package_list=${3:-$repo/scripts/runtime-packages}
dockerfile=$repo/Dockerfile

[[ -f $binary && -x $binary ]] || die_usage "not an executable file: $binary"
[[ -d $repo ]] || die_usage "not a directory: $repo"
[[ -f $package_list && -r $package_list ]] || die_usage "cannot read the package list: $package_list"
for tool in ldd dpkg timeout realpath sed awk; do
  command -v "$tool" >/dev/null || die_usage "needs '$tool' (a Debian host)"
done

echo "runtime_libraries_test: binary       $binary"
echo "runtime_libraries_test: package list $package_list"
echo "runtime_libraries_test: Dockerfile   $dockerfile"

failures=()

# ---- the package list ---------------------------------------------------------
# Same reading as the Dockerfile: drop comments, split on whitespace.
declare -A listed=()
line_no=0
while IFS= read -r line || [[ -n $line ]]; do
  line_no=$((line_no + 1))
  read -r -a words <<<"${line%%#*}"
  for word in "${words[@]}"; do
    if [[ ! $word =~ ^[a-z0-9][a-z0-9.+-]+$ ]]; then
      failures+=("$package_list:$line_no: '$word' is not a Debian package name")
      continue
    fi
    listed[$word]=1
  done
done <"$package_list"
((${#listed[@]} > 0)) || failures+=("$package_list lists no packages")

declare -A in_slim=()
for p in "${kSlimPackages[@]}"; do in_slim[$p]=1; done
declare -A is_sanitizer=()
for p in "${kSanitizerPackages[@]}"; do is_sanitizer[$p]=1; done

# ---- the binary's libraries -----------------------------------------------------
set +e
ldd_out=$(LC_ALL=C timeout "$kLddTimeout" ldd "$binary" 2>&1)
ldd_rc=$?
set -e
if ((ldd_rc == 124)); then
  echo "FAIL: ldd did not finish within ${kLddTimeout}s on $binary" >&2
  exit 1
fi
libraries=()   # resolved paths, in ldd's order
if grep -q -e 'not a dynamic executable' -e 'statically linked' <<<"$ldd_out"; then
  echo "runtime_libraries_test: $binary is statically linked: no libraries to check"
elif ((ldd_rc != 0)); then
  echo "FAIL: ldd $binary exited $ldd_rc:" >&2
  echo "$ldd_out" >&2
  exit 1
else
  while read -r kind value; do
    case $kind in
      missing) failures+=("library not found by the loader: $value") ;;
      path) libraries+=("$value") ;;
    esac
  done < <(awk '
    $2 == "=>" && $3 == "not" && $4 == "found" { print "missing", $1; next }
    $2 == "=>" && $3 ~ /^\// { print "path", $3; next }
    $1 ~ /^\// { print "path", $1; next }
  ' <<<"$ldd_out")
fi

# dpkg knows each file under the path its package ships, which on a merged-usr
# system may differ from the one ldd prints (/lib/... vs /usr/lib/...), and
# may know a symlink only by its target. Try, in order: the path, the path
# with /usr added or removed, its realpath, the realpath with /usr toggled.
toggle_usr() {
  if [[ $1 == /usr/* ]]; then echo "${1#/usr}"; else echo "/usr$1"; fi
}
declare -A candidates_of=()
declare -A all_candidates=()
for lib in "${libraries[@]}"; do
  real=$(realpath -e -- "$lib" 2>/dev/null || echo "$lib")
  cands=()
  for c in "$lib" "$(toggle_usr "$lib")" "$real" "$(toggle_usr "$real")"; do
    [[ " ${cands[*]} " == *" $c "* ]] || cands+=("$c")
  done
  candidates_of[$lib]="${cands[*]}"
  for c in "${cands[@]}"; do all_candidates[$c]=1; done
done

declare -A owner_of=()   # path -> first owning package, architecture dropped
if ((${#all_candidates[@]} > 0)); then
  set +e
  dpkg_out=$(LC_ALL=C timeout "$kDpkgTimeout" dpkg -S -- "${!all_candidates[@]}" 2>/dev/null)
  dpkg_rc=$?
  set -e
  # dpkg -S exits 1 when some candidate is unknown: expected, most are.
  if ((dpkg_rc == 124)); then
    echo "FAIL: dpkg -S did not finish within ${kDpkgTimeout}s" >&2
    exit 1
  fi
  while IFS= read -r line; do
    [[ $line == diversion\ by* || $line != *": /"* ]] && continue
    owners=${line%%: /*}
    path=/${line#*: /}
    first=${owners%%,*}
    owner_of[$path]=${first%%:*}
  done <<<"$dpkg_out"
fi

# ---- coverage -------------------------------------------------------------------
declare -A needed=()
printf '%-46s %-20s %s\n' "library" "package" "provided by"
for lib in "${libraries[@]}"; do
  package=""
  read -r -a cands <<<"${candidates_of[$lib]}"
  for c in "${cands[@]}"; do
    if [[ -n ${owner_of[$c]:-} ]]; then package=${owner_of[$c]}; break; fi
  done
  if [[ -z $package ]]; then
    printf '%-46s %-20s %s\n' "$lib" "?" "MISSING"
    failures+=("$lib belongs to no Debian package (tried: ${candidates_of[$lib]}); the image cannot install it")
    continue
  fi
  needed[$package]=1
  if [[ -n ${is_sanitizer[$package]:-} ]]; then
    where="skipped: sanitizer runtime, not in the release image"
  elif [[ -n ${listed[$package]:-} ]]; then
    where="$(basename "$package_list")"
  elif [[ -n ${in_slim[$package]:-} ]]; then
    where="debian:12-slim"
  else
    where="MISSING"
    failures+=("package $package (for $lib) is neither in $package_list nor in debian:12-slim: add it to $package_list")
  fi
  printf '%-46s %-20s %s\n' "$lib" "$package" "$where"
done

extra=()
for p in "${!listed[@]}"; do
  [[ -z ${needed[$p]:-} ]] && extra+=("$p")
done
if ((${#extra[@]} > 0)); then
  mapfile -t extra < <(printf '%s\n' "${extra[@]}" | sort)
  echo "runtime_libraries_test: listed, not loaded by this binary (fine: non-library needs," \
    "or libraries of a newer build): ${extra[*]}"
fi

# ---- the Dockerfile installs the list ---------------------------------------------
# Joins continuation lines, drops comments, looks at the last stage only (the
# runtime image): it must COPY scripts/runtime-packages (not --from another
# stage) and a later RUN must apt-get install and read the copied file in a
# command other than rm.
if [[ ! -f $dockerfile ]]; then
  failures+=("no Dockerfile at $dockerfile")
else
  dockerfile_check=$(awk '
    # True if a command of the shell line s, other than rm, names path.
    function reads(s, path,    parts, k, c) {
      gsub(/&&|\|\||[;|]/, "\n", s)
      split(s, parts, "\n")
      for (k in parts) {
        c = parts[k]
        sub(/^[[:space:]]+/, "", c)
        if (c ~ /^rm[[:space:]]/) continue
        if (index(c, path) > 0) return 1
      }
      return 0
    }
    function flush() {
      if (buf == "") return
      n++; instr[n] = buf; buf = ""
    }
    /^[[:space:]]*#/ { next }
    {
      line = $0
      if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); buf = buf line " "; next }
      buf = buf line; flush()
    }
    END {
      flush()
      last_from = 0
      for (i = 1; i <= n; i++) if (toupper(instr[i]) ~ /^[[:space:]]*FROM[[:space:]]/) last_from = i
      if (last_from == 0) { print "no FROM instruction"; exit }
      dest = ""
      for (i = last_from + 1; i <= n; i++) {
        s = instr[i]
        if (toupper(s) !~ /^[[:space:]]*(COPY|ADD)[[:space:]]/) {
          if (dest != "" && toupper(s) ~ /^[[:space:]]*RUN[[:space:]]/ && s ~ /apt(-get)?[[:space:]]+install/ && reads(s, dest)) { print "ok " dest; exit }
          continue
        }
        if (s ~ /--from[=[:space:]]/) continue
        gsub(/[\[\]",]/, " ", s)
        m = split(s, w, /[[:space:]]+/)
        args = 0; has_src = 0; last = ""
        for (k = 1; k <= m; k++) {
          if (w[k] == "" || toupper(w[k]) == "COPY" || toupper(w[k]) == "ADD" || w[k] ~ /^--/) continue
          args++; last = w[k]
          if (w[k] == "scripts/runtime-packages" || w[k] == "./scripts/runtime-packages") has_src = 1
        }
        if (has_src && args >= 2) {
          dest = last
          if (dest ~ /\/$/) dest = dest "runtime-packages"
        }
      }
      if (dest == "") print "the runtime stage (last FROM) does not COPY scripts/runtime-packages"
      else print "the runtime stage copies scripts/runtime-packages to " dest " but no later RUN apt-get install reads " dest
    }
  ' "$dockerfile")
  if [[ $dockerfile_check == ok\ * ]]; then
    echo "runtime_libraries_test: Dockerfile runtime stage installs scripts/runtime-packages (copied to ${dockerfile_check#ok })"
  else
    failures+=("Dockerfile: $dockerfile_check")
  fi
fi

# ---- libcurl 8 from bookworm-backports, in the image as on the build host -----------
# The binary is built against libcurl 8 (scripts/install-deps pins it from
# bookworm-backports); the runtime stage must add the same pin before it
# installs, or it would get bookworm's libcurl 7.88.
if [[ -f $dockerfile ]]; then
  runtime_stage=$(awk 'toupper($0) ~ /^[[:space:]]*FROM[[:space:]]/ { stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' "$dockerfile")
  if ! grep -q 'apt-backports' <<<"$runtime_stage"; then
    failures+=("Dockerfile: the runtime stage does not run scripts/apt-backports (libcurl 8)")
  fi
fi
if ! grep -qx 'Package: curl libcurl4 libcurl4-openssl-dev' "$repo/scripts/apt-backports"; then
  failures+=("scripts/apt-backports must pin libcurl's packages alone from bookworm-backports")
fi

# ---- verdict ----------------------------------------------------------------------
if ((${#failures[@]} > 0)); then
  for f in "${failures[@]}"; do echo "FAIL: $f" >&2; done
  exit 1
fi
echo "runtime_libraries_test: OK: ${#libraries[@]} libraries from ${#needed[@]} packages, all in the runtime image"
