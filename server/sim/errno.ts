/** Kernel errno values the simulator returns, by their Linux names and numbers. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EISDIR: 21,
  EINVAL: 22,
  ETXTBSY: 26,
  ENOSPC: 28,
  ERANGE: 34,
  ENOTEMPTY: 39,
  EOPNOTSUPP: 95,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** A failed kernel operation, carrying the errno a syscall would return. */
export class KernelError extends Error {
  constructor(
    readonly errno: ErrnoName,
    message: string,
    /**
     * The operation failed but what it did so far stands, as in the kernel
     * (e.g. swapoff interrupted after swapping some pages back in).
     */
    readonly keepsState = false,
  ) {
    super(`${errno}: ${message}`);
    this.name = 'KernelError';
  }
}

export function fail(errno: ErrnoName, message: string): never {
  throw new KernelError(errno, message);
}

/**
 * A keyed file (memory.stat, /proc/vmstat) read for a key this kernel does
 * not print: the file reads fine, the key is just not there. The verify
 * translation shows it as `absent`, as the guest does.
 */
export class NoSuchKey extends KernelError {
  constructor(message: string) {
    super('EINVAL', message);
    this.name = 'NoSuchKey';
  }
}
