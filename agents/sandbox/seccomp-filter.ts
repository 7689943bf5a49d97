import { arch } from 'node:process';

// A seccomp program (classic BPF) for bubblewrap's --seccomp: the system calls a confined
// process has no use for and that would reach past the sandbox, refused with EPERM.
// - setuid and setgid bits on files (chmod, open with O_CREAT, mknod): a task directory lies
//   on the host's own file system, where such a file made by root would make anyone root;
// - extended attributes (file capabilities, `security.capability`, are one);
// - the kernel keyrings, which a process shares with the orchestrator's session;
// - io_uring, whose operations seccomp cannot see.

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_JSET_K = 0x45;
const BPF_RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050000 | 1;
const SETID_BITS = 0o6000;
const O_CREAT = 0o100;
const O_TMPFILE = 0o20000000;

/** Where a system call's number, its architecture and its arguments sit in seccomp_data. */
const NR = 0;
const ARCH = 4;
const arg = (index: number) => 16 + 8 * index; // the low 32 bits (little-endian)

interface SyscallTable {
  audit: number;
  /** Refused outright. */
  refused: number[];
  /** Refused when the mode argument (by index) has a setuid or setgid bit. */
  modeAt: [nr: number, modeArg: number][];
  /** open and openat: refused when creating (flags by index) with a setid mode. */
  createAt: [nr: number, flagsArg: number, modeArg: number][];
  /** Numbers at or above this are another ABI (x32): refused. */
  abiLimit?: number;
}

const TABLES: Partial<Record<string, SyscallTable>> = {
  x64: {
    audit: 0xc000003e,
    // setxattr, lsetxattr, fsetxattr, setxattrat; add_key, request_key, keyctl; io_uring_*
    refused: [188, 189, 190, 463, 248, 249, 250, 425, 426, 427],
    // creat, chmod, fchmod, fchmodat, fchmodat2, mknod, mknodat
    modeAt: [
      [85, 1],
      [90, 1],
      [91, 1],
      [268, 2],
      [452, 2],
      [133, 1],
      [259, 2],
    ],
    createAt: [
      [2, 1, 2],
      [257, 2, 3],
    ],
    abiLimit: 0x40000000,
  },
  arm64: {
    audit: 0xc00000b7,
    refused: [5, 6, 7, 463, 217, 218, 219, 425, 426, 427],
    // fchmod, fchmodat, fchmodat2, mknodat
    modeAt: [
      [52, 1],
      [53, 2],
      [452, 2],
      [33, 2],
    ],
    createAt: [[56, 2, 3]],
  },
};

type Instruction = [code: number, jt: number, jf: number, k: number];

/** The instructions for one architecture; jumps count forward from the next instruction. */
function program(table: SyscallTable): Instruction[] {
  const checks: Instruction[][] = [];
  for (const nr of table.refused)
    checks.push([
      [BPF_JEQ_K, 0, 1, nr],
      [BPF_RET_K, 0, 0, RET_EPERM],
    ]);
  for (const [nr, mode] of table.modeAt) {
    checks.push([
      [BPF_JEQ_K, 0, 4, nr],
      [BPF_LD_W_ABS, 0, 0, arg(mode)],
      [BPF_JSET_K, 0, 1, SETID_BITS],
      [BPF_RET_K, 0, 0, RET_EPERM],
      [BPF_RET_K, 0, 0, RET_ALLOW],
    ]);
  }
  for (const [nr, flags, mode] of table.createAt) {
    checks.push([
      [BPF_JEQ_K, 0, 6, nr],
      [BPF_LD_W_ABS, 0, 0, arg(flags)],
      [BPF_JSET_K, 0, 3, O_CREAT | O_TMPFILE],
      [BPF_LD_W_ABS, 0, 0, arg(mode)],
      [BPF_JSET_K, 0, 1, SETID_BITS],
      [BPF_RET_K, 0, 0, RET_EPERM],
      [BPF_RET_K, 0, 0, RET_ALLOW],
    ]);
  }
  const head: Instruction[] = [
    [BPF_LD_W_ABS, 0, 0, ARCH],
    [BPF_JEQ_K, 1, 0, table.audit],
    [BPF_RET_K, 0, 0, RET_EPERM], // another architecture's calls (int 0x80 on x86-64)
    [BPF_LD_W_ABS, 0, 0, NR],
  ];
  if (table.abiLimit) head.push([BPF_JGE_K, 0, 1, table.abiLimit], [BPF_RET_K, 0, 0, RET_EPERM]);
  // Each check reloads the number: a mode check leaves an argument in the accumulator.
  const body = checks.flatMap((check) => [[BPF_LD_W_ABS, 0, 0, NR] as Instruction, ...check]);
  return [...head, ...body, [BPF_RET_K, 0, 0, RET_ALLOW]];
}

/**
 * The seccomp program for this machine's architecture as bytes (struct sock_filter[]), or null
 * where there is no table for it (the sandbox then runs without one, as docs/security.md says).
 *
 * @example
 * writeFileSync(file, seccompFilter() ?? Buffer.alloc(0)); // then: bwrap --seccomp 3 … 3<file
 */
export function seccompFilter(architecture: string = arch): Buffer | null {
  const table = TABLES[architecture];
  if (!table) return null;
  const instructions = program(table);
  const bytes = Buffer.alloc(instructions.length * 8);
  instructions.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}
