/**
 * The credentials statements run with (`user NAME`): a uid and whether the
 * task has CAP_SYS_ADMIN. Only the checks a swap test meets are modelled:
 *
 * - swapon(2) and swapoff(2) need CAP_SYS_ADMIN (EPERM); swapon checks its
 *   flags first (EINVAL), swapoff checks the capability before anything;
 * - writes to cgroupfs, procfs and sysfs files (mode 0644, owned by root)
 *   and mkdir/rmdir in cgroupfs (0755 root) need uid 0: EACCES otherwise,
 *   from the file's mode (generic_permission()), not from a capability;
 * - debugfs (mode 0700) is closed to other uids;
 * - a regular file is written by its owner or by root.
 */
import { fail } from './errno';

export interface Cred {
  uid: number;
  /** CAP_SYS_ADMIN in the task's effective set. */
  capSysAdmin: boolean;
}

export const ROOT_CRED: Readonly<Cred> = { uid: 0, capSysAdmin: true };

/** The uid of a user name the scenario may use (`root`, `nobody`) or a number. */
export function uidOf(user: string): number | null {
  if (user === 'root') return 0;
  if (user === 'nobody') return 65534;
  return /^\d{1,9}$/.test(user) ? Number(user) : null;
}

/** capable(CAP_SYS_ADMIN) for swapon/swapoff. */
export function requireSysAdmin(cred: Cred, what: string): void {
  if (!cred.capSysAdmin) fail('EPERM', `${what}: operation not permitted without CAP_SYS_ADMIN (uid ${cred.uid})`);
}

/** generic_permission() for writing a root-owned 0644 file or a 0755 directory. */
export function requireRootOwner(cred: Cred, path: string): void {
  if (cred.uid !== 0) fail('EACCES', `${path}: permission denied for uid ${cred.uid} (owned by root)`);
}
