#!/usr/bin/env bash
# Builds the two footprint images (unet/ and smoltcp/ beside this script) for
# thumbv7em-none-eabihf with the same profile (opt-level "s", LTO, one codegen unit,
# panic=abort) and measures their sections with llvm-size (rustup's llvm-tools).
# Prints, or appends to --raw FILE, lines `6<TAB>section<TAB>unet|smoltcp<TAB>1<TAB>bytes`
# (benches/run's report, section 6); --notes FILE gets the largest functions of each image.
#
#   benches/firmware/measure.sh [--raw FILE] [--notes FILE]
set -euo pipefail

raw=/dev/stdout
notes=/dev/null
while [ $# -gt 0 ]; do
  case "$1" in
    --raw) raw="$2"; shift 2 ;;
    --notes) notes="$2"; shift 2 ;;
    *) echo "measure.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
target_dir=${CARGO_TARGET_DIR:-$here/../../target}/firmware
bindir=$(echo "$(rustc --print sysroot)"/lib/rustlib/*/bin)
size=$bindir/llvm-size
nm=$bindir/llvm-nm
objdump=$bindir/llvm-objdump
[ -x "$size" ] || { echo "measure.sh: llvm-size not found (rustup component add llvm-tools)" >&2; exit 1; }

(cd "$here" && cargo build --quiet --release --target thumbv7em-none-eabihf --target-dir "$target_dir")
elf_dir=$target_dir/thumbv7em-none-eabihf/release

# The little-endian u32 the image keeps in its (unloaded) .footprint section: RAM per TCP
# connection without buffers on the target (size_of, see the images' CONNECTION_RAM).
connection_ram() {
  local hex
  hex=$("$objdump" -s -j .footprint "$1" | awk '$1 == "0000" { print $2 }')
  [ ${#hex} = 8 ] || { echo "measure.sh: no .footprint figure in $1" >&2; return 1; }
  echo $((16#${hex:6:2}${hex:4:2}${hex:2:2}${hex:0:2}))
}

# section NAME ELF: its size in bytes (0 when absent).
section() {
  "$size" -A "$2" | awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}

{
  echo "Both images include a DHCP client (unet: \`unet_stack::dhcp::DhcpHost\`; smoltcp: \`dhcpv4::Socket\`). Buffers live in \`main\`'s stack frame in both, so \`.bss\` holds only the crates' own statics. Largest functions (bytes):"
  echo
} >"$notes"
for fw in unet smoltcp; do
  elf=$elf_dir/$fw-firmware
  text=$(section .text "$elf")
  rodata=$(section .rodata "$elf")
  data=$(section .data "$elf")
  bss=$(section .bss "$elf")
  vectors=$(section .vector_table "$elf")
  ram=$(connection_ram "$elf")
  {
    printf '6\t.text (code)\t%s\t1\t%s\n' "$fw" "$text"
    printf '6\t.rodata\t%s\t1\t%s\n' "$fw" "$rodata"
    printf '6\t.data\t%s\t1\t%s\n' "$fw" "$data"
    printf '6\t.bss\t%s\t1\t%s\n' "$fw" "$bss"
    printf '6\tflash (vectors + .text + .rodata + .data)\t%s\t1\t%s\n' "$fw" \
      $((vectors + text + rodata + data))
    printf '6\tRAM per TCP connection (thumbv7em): unet TcpSlot, smoltcp tcp::Socket\t%s\t1\t%s\n' \
      "$fw" "$ram"
  } >>"$raw"
  {
    echo "- $fw: $("$nm" --size-sort -S --radix=d --demangle "$elf" | awk '$3 ~ /^[tT]$/' |
      tail -n 8 | sort -k2,2nr |
      awk '{ n = $4; sub(/::h[0-9a-f]+$/, "", n); gsub(/\$LT\$/, "<", n); gsub(/\$GT\$/, ">", n);
             gsub(/\$u20\$/, " ", n); gsub(/\.\./, "::", n); gsub(/_</, "<", n);
             printf "%s`%s` %d", sep, n, $2 + 0; sep = ", " }')"
  } >>"$notes"
done
