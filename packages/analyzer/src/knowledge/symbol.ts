// The function a frame's symbol names, as the knowledge tables spell it.
//
// A 64-bit big-endian powerpc kernel (ELF ABI v1) names a function's code `.name` and
// its descriptor `name`: its traces print `.do_raw_spin_lock+0x90/0x1d0`,
// `._raw_spin_lock_irq+0x58/0xa0` (arch/powerpc/include/asm/ppc_asm.h, the
// `_GLOBAL(name)` / `.name:` entry points; gone with ELF ABI v2 on little-endian).
// The dot is the ABI's, not the function's: the tables match the name after it.

/** `fn` without an ELF ABI v1 dot (`.do_raw_spin_lock` → `do_raw_spin_lock`). */
export function symbolName(fn: string): string {
  return fn.length > 1 && fn.charCodeAt(0) === 46 /* . */ && fn.charCodeAt(1) !== 46 ? fn.slice(1) : fn;
}
