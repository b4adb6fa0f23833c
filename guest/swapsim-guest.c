/*
 * swapsim-guest: the workload program `swapsim verify` runs inside a real
 * Linux guest. The host translates a .swapsim scenario into a command file
 * (one command per line, see docs/verify.md); this program carries it out
 * with real syscalls and prints what happened, framed so the host can line
 * every value up with the scenario's steps.
 *
 * Two modes:
 *   swapsim-guest run FILE        the driver: runs FILE, prints results
 *   swapsim-guest task CMD REPLY  one scenario task: owns its mappings and
 *                                 obeys the driver over two FIFOs
 * A task is its own process (exec'd fresh, so its address space holds little
 * besides the scenario's mappings), moved into its cgroup before exec.
 *
 * Output lines (to stdout, the guest's second serial port):
 *   @started / @done               the scenario began / ended
 *   S STEP                         the following results belong to step STEP
 *   E STEP RESULT                  outcome of a command: ok or an errno name
 *   O ID ERRNO LEN\n<LEN bytes>    contents of a file read for observable ID
 *   T ID STATE LEN\n<LEN bytes>    a task's state and /proc/PID/status
 *   P ID STATE LEN\n<LEN bytes>    one of a task's /proc/PID files, in `== NAME` sections (cmd_pobs)
 *   C STEP LEN\n<LEN bytes>        output of a `cat` (shown, not compared)
 *   @scenario N                    batched runs: scenario N of the command file begins
 *   @unclean WHAT                  batched runs: the reset before it left WHAT behind
 *   B PATH LEN\n<LEN bytes>        batched runs: a counter file as scenario N starts
 *                                  (the host subtracts what earlier scenarios counted)
 *   # text                         diagnostics of the driver itself
 *
 * Credentials (`user UID CAP`): the driver stays root for its own work
 * (making device nodes, writing swap headers, starting tasks) and takes the
 * scenario's credentials only around the syscalls a scenario statement
 * stands for (scenario_cred() / root_cred()).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SWAP_FLAG_DISCARD_ONCE
#define SWAP_FLAG_DISCARD_ONCE 0x20000
#endif
#ifndef SWAP_FLAG_DISCARD_PAGES
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#endif

#define PAGE 4096UL
#define MAX_LINE (1 << 20)
#define MAX_TASKS 256
#define MAX_REGIONS 256
#define MAX_DEVICES 64

/* ------------------------------------------------------------ helpers */

static const char *errname(int e) {
  switch (e) {
  case 0: return "ok";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ESRCH: return "ESRCH";
  case EINTR: return "EINTR";
  case EIO: return "EIO";
  case ENXIO: return "ENXIO";
  case E2BIG: return "E2BIG";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case ENODEV: return "ENODEV";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case ENFILE: return "ENFILE";
  case EMFILE: return "EMFILE";
  case ETXTBSY: return "ETXTBSY";
  case EFBIG: return "EFBIG";
  case ENOSPC: return "ENOSPC";
  case ESPIPE: return "ESPIPE";
  case EROFS: return "EROFS";
  case ERANGE: return "ERANGE";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case ENOTBLK: return "ENOTBLK";
  default: {
    static char buf[32];
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
  }
  }
}

static void out(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

static void out_block(const char *head, const char *buf, size_t len) {
  printf("%s %zu\n", head, len);
  fwrite(buf, 1, len, stdout);
  fflush(stdout);
}

/* Read a whole (small) file; returns length or -errno. */
static long read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      int e = errno;
      close(fd);
      return -e;
    }
    if (r == 0 || n + (size_t)r >= cap) {
      n += (size_t)r;
      break;
    }
    n += (size_t)r;
  }
  close(fd);
  return (long)n;
}

/* Write a string to a file the way `echo TEXT > PATH` does; returns 0 or errno. */
static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  size_t len = strlen(text);
  char *buf = malloc(len + 2);
  if (!buf) {
    close(fd);
    return ENOMEM;
  }
  memcpy(buf, text, len);
  buf[len] = '\n';
  ssize_t r = write(fd, buf, len + 1);
  int e = r < 0 ? errno : 0;
  free(buf);
  if (close(fd) < 0 && e == 0) e = errno;
  return e;
}

/* Undo %XX escapes in place (the host escapes blanks, %, and non-printables). */
static char *unescape(char *s) {
  char *r = s, *w = s;
  while (*r) {
    if (r[0] == '%' && r[1] && r[2]) {
      char hex[3] = {r[1], r[2], 0};
      *w++ = (char)strtol(hex, NULL, 16);
      r += 3;
    } else {
      *w++ = *r++;
    }
  }
  *w = 0;
  return s;
}

/* Split a line into blank-separated fields (in place). */
static int split(char *line, char **f, int max) {
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \t\r\n", &save); t && n < max; t = strtok_r(NULL, " \t\r\n", &save)) f[n++] = t;
  return n;
}

static void mkdirs(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p == '/') {
      *p = 0;
      mkdir(tmp, 0755);
      *p = '/';
    }
  }
}

/* ------------------------------------------------------------ credentials */

/*
 * The scenario's credentials (`user` statements): a uid, and whether
 * CAP_SYS_ADMIN stays in the effective set. Another uid is taken as the
 * effective uid only (setresuid(-1, UID, -1)): the kernel then clears the
 * effective capabilities and file access uses that uid (fsuid follows the
 * euid), while the real and saved uid 0 let root_cred() come back.
 */
static int cred_uid = 0, cred_sys_admin = 1;

static int set_effective_caps(int with_sys_admin) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0) return errno;
  for (int i = 0; i < 2; i++) d[i].effective = d[i].permitted;
  if (!with_sys_admin) d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
  return syscall(SYS_capset, &h, d) < 0 ? errno : 0;
}

/* Take the scenario's credentials for the statement about to run. */
static void scenario_cred(void) {
  if (cred_uid != 0) {
    if (setresuid((uid_t)-1, (uid_t)cred_uid, (uid_t)-1) < 0) out("# setresuid %d: %s\n", cred_uid, strerror(errno));
  } else if (!cred_sys_admin) {
    int e = set_effective_caps(0);
    if (e) out("# capset: %s\n", strerror(e));
  }
}

/* Back to root with every capability (euid 0 copies the permitted set to the effective one). */
static void root_cred(void) {
  if (geteuid() != 0 && seteuid(0) < 0) out("# seteuid 0: %s\n", strerror(errno));
  int e = set_effective_caps(1);
  if (e) out("# capset: %s\n", strerror(e));
}

/* ------------------------------------------------------------ open files */

/*
 * Files the scenario holds open by name (`open NAME PATH`). Each is opened
 * read-write if it can be, else read-only, else write-only: the scenario does
 * not say, and a cgroup file without a write handler refuses O_RDWR
 * (kernfs_fop_open()). Every write and read goes from offset 0, as a test
 * that writes a value and reads the file again does.
 */
#define MAX_FDS 64
static struct {
  char name[64];
  int fd;
} fds[MAX_FDS];

static int find_fd(const char *name) {
  for (int i = 0; i < MAX_FDS; i++)
    if (fds[i].name[0] && strcmp(fds[i].name, name) == 0) return i;
  return -1;
}

static int close_named(const char *name) {
  int i = find_fd(name);
  if (i < 0) return EBADF;
  int e = close(fds[i].fd) < 0 ? errno : 0;
  fds[i].name[0] = 0;
  return e;
}

/* open NAME PATH: an open name is closed first, as the shell's `exec N>file` does. */
static int open_named(const char *name, const char *path) {
  close_named(name);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  int e = fd < 0 ? errno : 0;
  if (fd < 0 && e != ENOENT) fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && e != ENOENT) fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return e;
  for (int i = 0; i < MAX_FDS; i++) {
    if (!fds[i].name[0]) {
      snprintf(fds[i].name, sizeof fds[i].name, "%s", name);
      fds[i].fd = fd;
      return 0;
    }
  }
  close(fd);
  return EMFILE;
}

/* `echo TEXT > &NAME`: one write of TEXT and a newline at offset 0 of the open file. */
static int write_named(const char *name, const char *text) {
  int i = find_fd(name);
  if (i < 0) return EBADF;
  size_t len = strlen(text);
  char *buf = malloc(len + 2);
  if (!buf) return ENOMEM;
  memcpy(buf, text, len);
  buf[len] = '\n';
  /* seq_file fds refuse pwrite (seq_open() clears FMODE_PWRITE): seek, then write */
  int e = lseek(fds[i].fd, 0, SEEK_SET) < 0 && errno != ESPIPE ? errno : 0;
  if (e == 0 && write(fds[i].fd, buf, len + 1) < 0) e = errno;
  free(buf);
  return e;
}

/* Read an open file from offset 0: length, or -errno. */
static long read_named(const char *name, char *buf, size_t cap) {
  int i = find_fd(name);
  if (i < 0) return -EBADF;
  if (lseek(fds[i].fd, 0, SEEK_SET) < 0 && errno != ESPIPE) return -errno;
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fds[i].fd, buf + n, cap - n);
    if (r < 0) return -errno;
    if (r == 0) break;
    n += (size_t)r;
    if (n >= cap) break;
  }
  return (long)n;
}

static void close_all_named(void) {
  for (int i = 0; i < MAX_FDS; i++)
    if (fds[i].name[0]) close_named(fds[i].name);
}

/* ------------------------------------------------------------ content */

/* xorshift64*: the same bytes for the same page on every run. */
static uint64_t rng_next(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/*
 * Fill one page with content of code `c`: 0 zero, 1000 incompressible,
 * 1001 same-filled (one non-zero word repeated: zram stores no data for it),
 * 1..999 compressible with compressed/original ≈ c/1000 (that many random
 * bytes, the rest zero). A zero page is still written, so it is allocated.
 */
static void fill_page(volatile unsigned char *p, int code, uint64_t seed) {
  if (code <= 0) {
    p[0] = 0;
    return;
  }
  if (code == 1001) {
    uint64_t word = seed * 0x9E3779B97F4A7C15ULL | 1;
    for (size_t i = 0; i + 8 <= PAGE; i += 8) memcpy((void *)(p + i), &word, 8);
    return;
  }
  size_t random_bytes = code >= 1000 ? PAGE : (PAGE * (size_t)code) / 1000;
  if (random_bytes < 8) random_bytes = 8;
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
  if (s == 0) s = 1;
  size_t i = 0;
  for (; i + 8 <= random_bytes; i += 8) {
    uint64_t v = rng_next(&s);
    memcpy((void *)(p + i), &v, 8);
  }
  for (; i < PAGE; i++) p[i] = 0;
}

/* ------------------------------------------------------------ task side */

struct region {
  char name[64];
  unsigned char *addr;
  size_t pages;
  int order;
  int *codes;            /* content code per page */
  unsigned char *filled; /* 1: page written once; 2: unmapped */
  uint64_t seed;
  int live;
};

static struct region regions[MAX_REGIONS];

static struct region *find_region(const char *name) {
  for (int i = 0; i < MAX_REGIONS; i++)
    if (regions[i].live && strcmp(regions[i].name, name) == 0) return &regions[i];
  return NULL;
}

static int thp_sizes_kb[] = {16, 32, 64, 128, 256, 512, 1024, 2048};
#define NR_THP_SIZES (sizeof thp_sizes_kb / sizeof thp_sizes_kb[0])
/* The per-size policies as they were before a fault op changed them ("" when the file does not exist). */
static char thp_saved[NR_THP_SIZES][16];

static void thp_path(char *buf, size_t cap, int kb) {
  snprintf(buf, cap, "/sys/kernel/mm/transparent_hugepage/hugepages-%dkB/enabled", kb);
}

/*
 * The simulator faults a region in folios of exactly its `order=` (base
 * pages without one), whatever the THP policy files say; so for the length
 * of a fault op only that size is enabled, then the files get their values
 * back (a scenario may read or write them).
 */
static void set_thp_policy(int order) {
  int want_kb = order > 0 ? (int)((PAGE << order) / 1024) : 0;
  for (size_t i = 0; i < NR_THP_SIZES; i++) {
    char path[128], buf[128];
    thp_path(path, sizeof path, thp_sizes_kb[i]);
    long n = read_file(path, buf, sizeof buf - 1);
    thp_saved[i][0] = 0;
    if (n <= 0) continue;
    buf[n] = 0;
    char *open = strchr(buf, '['), *close = open ? strchr(open, ']') : NULL;
    if (open && close) snprintf(thp_saved[i], sizeof thp_saved[i], "%.*s", (int)(close - open - 1), open + 1);
    write_file(path, thp_sizes_kb[i] == want_kb ? "always" : "never");
  }
}

static void restore_thp_policy(void) {
  for (size_t i = 0; i < NR_THP_SIZES; i++) {
    if (!thp_saved[i][0]) continue;
    char path[128];
    thp_path(path, sizeof path, thp_sizes_kb[i]);
    write_file(path, thp_saved[i]);
  }
}

/* Fault pages [a, b) in; a page never written gets its content (its whole folio does). */
static void fault_range(struct region *r, size_t a, size_t b, int write) {
  size_t nr = (size_t)1 << r->order;
  set_thp_policy(r->order);
  for (size_t i = a; i < b; i++) {
    volatile unsigned char *p = r->addr + i * PAGE;
    if (r->filled[i] == 2) continue;
    if (!r->filled[i]) {
      size_t start = i - i % nr;
      for (size_t j = start; j < start + nr && j < r->pages; j++) {
        if (r->filled[j]) continue;
        fill_page(r->addr + j * PAGE, r->codes[j], r->seed + j);
        r->filled[j] = 1;
      }
      continue;
    }
    unsigned char v = p[0];
    if (write) p[0] = v;
  }
  restore_thp_policy();
}

/* mmap REGION PAGES ORDER POPULATE SEED RLE... (RLE: CODE*COUNT) */
static int task_mmap(char **f, int n) {
  if (n < 6) return EINVAL;
  struct region *r = NULL;
  for (int i = 0; i < MAX_REGIONS; i++)
    if (!regions[i].live) {
      r = &regions[i];
      break;
    }
  if (!r) return ENOMEM;
  size_t pages = strtoul(f[2], NULL, 10);
  int order = atoi(f[3]);
  /* FLAGS: 1 populate, 2 shared (MAP_SHARED|MAP_ANONYMOUS: an unnamed shmem object) */
  int populate = atoi(f[4]) & 1;
  int shared = atoi(f[4]) & 2;
  size_t align = PAGE << order;
  size_t len = pages * PAGE;
  /*
   * The region sits between two PROT_NONE guard pages, so the kernel never
   * merges it with a neighbouring anonymous VMA: its /proc/PID/smaps entry
   * is the region's own, as the simulator's mapping is.
   */
  size_t total = len + align + 2 * PAGE;
  unsigned char *raw = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return errno;
  uintptr_t start = ((uintptr_t)raw + PAGE + align - 1) & ~(uintptr_t)(align - 1);
  /* a shared region is its own shmem object placed over the reservation: the guards stay private, so munmap frees the object */
  if (shared && mmap((void *)start, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) return errno;
  uintptr_t lo = start - PAGE, hi = start + len;
  if (lo > (uintptr_t)raw) munmap(raw, lo - (uintptr_t)raw);
  uintptr_t end = (uintptr_t)raw + total;
  if (end > hi + PAGE) munmap((void *)(hi + PAGE), end - (hi + PAGE));
  mprotect((void *)lo, PAGE, PROT_NONE);
  mprotect((void *)hi, PAGE, PROT_NONE);
  memset(r, 0, sizeof *r);
  snprintf(r->name, sizeof r->name, "%s", f[1]);
  r->addr = (unsigned char *)start;
  r->pages = pages;
  r->order = order;
  r->seed = strtoull(f[5], NULL, 10);
  r->codes = calloc(pages, sizeof(int));
  r->filled = calloc(pages, 1);
  if (!r->codes || !r->filled) return ENOMEM;
  size_t at = 0;
  for (int i = 6; i < n && at < pages; i++) {
    char *star = strchr(f[i], '*');
    int code = atoi(f[i]);
    size_t count = star ? strtoul(star + 1, NULL, 10) : 1;
    for (size_t k = 0; k < count && at < pages; k++) r->codes[at++] = code;
  }
  r->live = 1;
  if (populate) fault_range(r, 0, pages, 1);
  return 0;
}

/* A forked child's new FIFOs, set by task_command for task_loop. */
static char child_cmd[64], child_reply[64];

static char *task_fields[1 << 16];

/* Returns 0 or an errno; -2 in a child just forked (task_loop reattaches it); -3 when it replied itself. */
static int task_command(char *line, int reply_fd) {
  char **f = task_fields;
  int n = split(line, f, 1 << 16);
  if (n == 0) return EINVAL;
  if (strcmp(f[0], "mmap") == 0) return task_mmap(f, n);
  if (strcmp(f[0], "exit") == 0) {
    dprintf(reply_fd, "ok\n");
    _exit(0);
  }
  if (strcmp(f[0], "fork") == 0 && n >= 3) {
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) {
      /* the child keeps the parent's image (its pages shared copy-on-write) and becomes a task on new FIFOs */
      snprintf(child_cmd, sizeof child_cmd, "%s", f[1]);
      snprintf(child_reply, sizeof child_reply, "%s", f[2]);
      return -2;
    }
    return 0;
  }
  struct region *r = n >= 2 ? find_region(f[1]) : NULL;
  if (!r) return ENOENT;
  /* addr REGION: where the region is, for the driver's /proc/PID/pagemap and smaps reads */
  if (strcmp(f[0], "addr") == 0) {
    dprintf(reply_fd, "a %lx %zu\n", (unsigned long)(uintptr_t)r->addr, r->pages);
    return -3;
  }
  size_t first = n >= 3 ? strtoul(f[2], NULL, 10) : 0;
  size_t count = n >= 4 ? strtoul(f[3], NULL, 10) : r->pages;
  if (strcmp(f[0], "mremap") != 0 && first + count > r->pages) return EINVAL;
  if (strcmp(f[0], "touch") == 0) {
    fault_range(r, first, first + count, n >= 5 && atoi(f[4]));
    return 0;
  }
  if (strcmp(f[0], "pageout") == 0) {
    int aligned = n >= 5 ? atoi(f[4]) : 1;
    unsigned char *a = r->addr + first * PAGE + (aligned ? 0 : 1);
    return madvise(a, count * PAGE, MADV_PAGEOUT) < 0 ? errno : 0;
  }
  /* madvise REGION FIRST COUNT ALIGNED ADVICE: cold, pageout, dontneed, free */
  if (strcmp(f[0], "madvise") == 0 && n >= 6) {
    int aligned = atoi(f[4]);
    unsigned char *a = r->addr + first * PAGE + (aligned ? 0 : 1);
    int advice = strcmp(f[5], "cold") == 0 ? MADV_COLD : strcmp(f[5], "pageout") == 0 ? MADV_PAGEOUT : strcmp(f[5], "dontneed") == 0 ? MADV_DONTNEED : strcmp(f[5], "free") == 0 ? MADV_FREE : -1;
    if (advice < 0) return EINVAL;
    if (madvise(a, count * PAGE, advice) < 0) return errno;
    /* dropped pages read as zeroes: a later fault fills them again, as the simulator's fresh pages */
    if (advice == MADV_DONTNEED && aligned) memset(r->filled + first, 0, count);
    return 0;
  }
  if (strcmp(f[0], "mlock") == 0) return mlock(r->addr, r->pages * PAGE) < 0 ? errno : 0;
  if (strcmp(f[0], "munlock") == 0) return munlock(r->addr, r->pages * PAGE) < 0 ? errno : 0;
  /* mremap REGION 0 NEWPAGES: the whole mapping to a new size, moving it if it must */
  if (strcmp(f[0], "mremap") == 0) {
    size_t pages = count;
    void *to = mremap(r->addr, r->pages * PAGE, pages * PAGE, MREMAP_MAYMOVE);
    if (to == MAP_FAILED) return errno;
    int *codes = realloc(r->codes, pages * sizeof(int));
    unsigned char *filled = realloc(r->filled, pages);
    if (!codes || !filled) return ENOMEM;
    for (size_t i = r->pages; i < pages; i++) {
      codes[i] = codes[r->pages - 1];
      filled[i] = 0;
    }
    r->addr = to;
    r->codes = codes;
    r->filled = filled;
    r->pages = pages;
    return 0;
  }
  if (strcmp(f[0], "munmap") == 0) {
    int aligned = n >= 5 ? atoi(f[4]) : 1;
    unsigned char *a = r->addr + first * PAGE + (aligned ? 0 : 1);
    if (munmap(a, count * PAGE) < 0) return errno;
    if (aligned) memset(r->filled + first, 2, count);
    if (first == 0 && count == r->pages) {
      free(r->codes);
      free(r->filled);
      r->live = 0;
    }
    return 0;
  }
  return EINVAL;
}

/*
 * A task's loop. After fork() the child shares the parent's regions table
 * (copy-on-write, as the kernel shares its pages) and keeps using it.
 */
static int task_loop(const char *cmd_path, const char *reply_path) {
  char *line = malloc(MAX_LINE);
  snprintf(child_cmd, sizeof child_cmd, "%s", cmd_path);
  snprintf(child_reply, sizeof child_reply, "%s", reply_path);
  for (;;) {
    int cmd = open(child_cmd, O_RDONLY | O_CLOEXEC);
    int reply = open(child_reply, O_WRONLY | O_CLOEXEC);
    if (cmd < 0 || reply < 0) return 1;
    dprintf(reply, "pid %d\n", (int)getpid());
    FILE *in = fdopen(cmd, "r");
    int forked = 0;
    while (!forked && fgets(line, MAX_LINE, in)) {
      int e = task_command(line, reply);
      if (e == -2) {
        forked = 1;
        break;
      }
      if (e == -3) continue; /* the command wrote its own reply */
      dprintf(reply, "%s\n", errname(e));
    }
    fclose(in);
    close(reply);
    if (!forked) return 0;
  }
}

/* ------------------------------------------------------------ driver side */

/*
 * cgroup v2 gives a child the memory controller only when its parent lists
 * it in cgroup.subtree_control (the root's is set at boot), so a cgroup gets
 * `+memory` there when its first child is made, as an administrator would
 * do. A parent holding tasks refuses (EBUSY): the kernel's no-internal-process
 * rule; the child is then made without memory files.
 */
static void enable_memory_for_children(const char *child) {
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", child);
  char *slash = strrchr(parent, '/');
  if (!slash) return;
  *slash = 0;
  if (strcmp(parent, "/sys/fs/cgroup") == 0) return;
  char path[4200];
  snprintf(path, sizeof path, "%s/cgroup.subtree_control", parent);
  int e = write_file(path, "+memory");
  if (e) out("# +memory in %s: %s\n", path, errname(e));
}

/* mkdir -p of a cgroup: every missing level, each with memory for its children. */
static int mkdir_cgroup_p(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  size_t base = strlen("/sys/fs/cgroup");
  for (char *p = tmp + base + 1; ; p++) {
    if (*p == '/' || *p == 0) {
      char saved = *p;
      *p = 0;
      struct stat st;
      if (stat(tmp, &st) < 0) {
        enable_memory_for_children(tmp);
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST) return errno;
      }
      *p = saved;
      if (saved == 0) break;
    }
  }
  return 0;
}

struct task {
  char name[64];
  pid_t pid;
  FILE *cmd;
  FILE *reply;
  char state[16]; /* alive exited oom_killed */
};

static struct task tasks[MAX_TASKS];
static int fifo_seq;

static struct task *find_task(const char *name) {
  for (int i = 0; i < MAX_TASKS; i++)
    if (tasks[i].name[0] && strcmp(tasks[i].name, name) == 0 && strcmp(tasks[i].state, "alive") == 0) return &tasks[i];
  for (int i = 0; i < MAX_TASKS; i++)
    if (tasks[i].name[0] && strcmp(tasks[i].name, name) == 0) return &tasks[i];
  return NULL;
}

static struct task *new_task(const char *name) {
  for (int i = 0; i < MAX_TASKS; i++)
    if (!tasks[i].name[0] || (strcmp(tasks[i].name, name) == 0 && strcmp(tasks[i].state, "alive") != 0)) {
      memset(&tasks[i], 0, sizeof tasks[i]);
      snprintf(tasks[i].name, sizeof tasks[i].name, "%s", name);
      snprintf(tasks[i].state, sizeof tasks[i].state, "alive");
      return &tasks[i];
    }
  return NULL;
}

/* A task that died without being told to exit was killed (the OOM killer is the only one here). */
static void mark_dead(struct task *t) {
  if (strcmp(t->state, "alive") == 0) snprintf(t->state, sizeof t->state, "oom_killed");
  if (t->cmd) fclose(t->cmd);
  if (t->reply) fclose(t->reply);
  t->cmd = t->reply = NULL;
}

/* Has a live task's process gone (EOF on its reply FIFO)? */
static void poll_task(struct task *t) {
  if (!t->reply || strcmp(t->state, "alive") != 0) return;
  struct pollfd p = {fileno(t->reply), POLLIN, 0};
  if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
    int c = fgetc(t->reply);
    if (c == EOF) mark_dead(t);
    else ungetc(c, t->reply);
  }
}

static void make_fifos(char *cmd, char *reply, size_t cap) {
  snprintf(cmd, cap, "/run/t%d.cmd", fifo_seq);
  snprintf(reply, cap, "/run/t%d.reply", fifo_seq);
  fifo_seq++;
  mkfifo(cmd, 0600);
  mkfifo(reply, 0600);
}

/* Open the FIFOs of a task that is starting and read its pid; returns 0 or errno. */
static int attach_task(struct task *t, const char *cmd, const char *reply) {
  int c = open(cmd, O_WRONLY | O_CLOEXEC);
  int r = open(reply, O_RDONLY | O_CLOEXEC);
  if (c < 0 || r < 0) return EIO;
  t->cmd = fdopen(c, "w");
  t->reply = fdopen(r, "r");
  char line[128];
  if (!fgets(line, sizeof line, t->reply)) return EIO;
  t->pid = atoi(line + 4);
  return 0;
}

/* Send a command to a task and wait for its answer: 0, an errno, or -1 when it died meanwhile. */
static int ask(struct task *t, const char *fmt, ...) {
  if (!t->cmd || strcmp(t->state, "alive") != 0) return ESRCH;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(t->cmd, fmt, ap);
  va_end(ap);
  fputc('\n', t->cmd);
  if (fflush(t->cmd) != 0) {
    mark_dead(t);
    return -1;
  }
  char line[128];
  if (!fgets(line, sizeof line, t->reply)) {
    mark_dead(t);
    return -1;
  }
  line[strcspn(line, "\n")] = 0;
  if (strcmp(line, "ok") == 0) return 0;
  if (line[0] == 'E' && line[1] >= '0' && line[1] <= '9') return atoi(line + 1);
  for (int e = 1; e < 200; e++)
    if (strcmp(errname(e), line) == 0) return e;
  return EIO;
}

/* task NAME PROCS_FILE CPU */
static int cmd_task(char **f, int n) {
  if (n < 4) return EINVAL;
  struct task *t = new_task(f[1]);
  if (!t) return ENOMEM;
  char cmd[64], reply[64];
  make_fifos(cmd, reply, sizeof cmd);
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) < 0) return errno;
  int cpu = atoi(f[3]);
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    close(status_pipe[0]);
    /* the driver is shielded from the OOM killer; its tasks must not be */
    int e = write_file("/proc/self/oom_score_adj", "0");
    if (e == 0) e = write_file(f[2], "0");
    if (e == 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      if (sched_setaffinity(0, sizeof set, &set) < 0) e = errno;
    }
    if (e == 0) {
      execl("/proc/self/exe", "swapsim-guest", "task", cmd, reply, (char *)NULL);
      e = errno;
    }
    if (write(status_pipe[1], &e, sizeof e) < 0) _exit(126);
    _exit(127);
  }
  close(status_pipe[1]);
  int e = 0;
  ssize_t got = read(status_pipe[0], &e, sizeof e);
  close(status_pipe[0]);
  if (got == (ssize_t)sizeof e) {
    t->name[0] = 0;
    return e;
  }
  return attach_task(t, cmd, reply);
}

static int cmd_fork(char **f, int n) {
  if (n < 3) return EINVAL;
  struct task *parent = find_task(f[1]);
  if (!parent) return ESRCH;
  char cmd[64], reply[64];
  make_fifos(cmd, reply, sizeof cmd);
  int e = ask(parent, "fork %s %s", cmd, reply);
  if (e != 0) return e < 0 ? 0 : e;
  struct task *child = new_task(f[2]);
  if (!child) return ENOMEM;
  return attach_task(child, cmd, reply);
}

/* A step's command to a task; a task killed while doing it made the step itself succeed. */
static int cmd_to_task(char **f, int n) {
  if (n < 2) return EINVAL;
  struct task *t = find_task(f[1]);
  if (!t) return ESRCH;
  static char buf[MAX_LINE];
  size_t at = 0;
  at += (size_t)snprintf(buf + at, sizeof buf - at, "%s", f[0]);
  for (int i = 2; i < n && at < sizeof buf; i++) at += (size_t)snprintf(buf + at, sizeof buf - at, " %s", f[i]);
  if (strcmp(f[0], "exit") == 0) {
    int e = ask(t, "exit");
    /* the reply comes just before _exit(); EOF means the mm is gone */
    if (t->reply) {
      while (fgetc(t->reply) != EOF) {
      }
    }
    snprintf(t->state, sizeof t->state, "exited");
    mark_dead(t);
    return e < 0 ? 0 : e;
  }
  int e = ask(t, "%s", buf);
  return e < 0 ? 0 : e;
}

/*
 * The swap header mkswap writes on page 0 (struct swap_header in
 * include/linux/swap.h): version, last_page, nr_badpages, uuid[16],
 * volume[16], padding, badpages[], and the SWAPSPACE2 magic. LABEL and UUID
 * may be "-" (none); BAD is a comma-separated page list or "-". Written
 * with pwrite() and fsync(): 0 or the errno.
 */
static int put_swap_header(int fd, unsigned version, unsigned long slots, const char *bad, const char *label, const char *uuid) {
  static unsigned char page[PAGE];
  memset(page, 0, sizeof page);
  uint32_t *words = (uint32_t *)(page + 1024);
  words[0] = version;
  words[1] = (uint32_t)(slots - 1); /* last_page */
  uint32_t nbad = 0;
  if (bad && strcmp(bad, "-") != 0) {
    char tmp[8192];
    snprintf(tmp, sizeof tmp, "%s", bad);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t && nbad < 637; t = strtok_r(NULL, ",", &save)) words[128 + nbad++] = (uint32_t)strtoul(t, NULL, 10);
  }
  words[2] = nbad;
  for (int i = 0, at = 0; uuid && strcmp(uuid, "-") != 0 && uuid[at] && i < 16; i++) {
    while (uuid[at] == '-') at++;
    unsigned byte = 0;
    if (sscanf(uuid + at, "%2x", &byte) != 1) break;
    page[1024 + 12 + i] = (unsigned char)byte;
    at += 2;
  }
  if (label && strcmp(label, "-") != 0) strncpy((char *)page + 1024 + 28, label, 16);
  memcpy(page + PAGE - 10, "SWAPSPACE2", 10);
  ssize_t w = pwrite(fd, page, PAGE, 0);
  int e = w == (ssize_t)PAGE ? 0 : (w < 0 ? errno : EIO);
  if (fsync(fd) < 0 && e == 0) e = errno;
  return e;
}

/* The header of a device or a bind-mounted swap file the guest prepares (`swapon … size=`). */
static int write_swap_header(const char *path, unsigned long slots, const char *bad) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int e = put_swap_header(fd, 1, slots, bad, NULL, NULL);
  close(fd);
  return e;
}

/* Is PATH listed in /proc/swaps? */
static int swap_active(const char *path) {
  static char buf[65536];
  long n = read_file("/proc/swaps", buf, sizeof buf - 1);
  if (n <= 0) return 0;
  buf[n] = 0;
  size_t len = strlen(path);
  for (char *line = strchr(buf, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    if (strncmp(line + 1, path, len) == 0 && (line[1 + len] == ' ' || line[1 + len] == '\t')) return 1;
  }
  return 0;
}

/*
 * Scenario devices, declared before the steps:
 *   dev PATH blk NAME          a virtio disk /dev/NAME, reached through a node at PATH
 *   dev PATH file FSDEV        a file on the ext4 disk FSDEV, bind-mounted at PATH
 *   dev PATH zram INDEX        /dev/zramINDEX
 */
struct device {
  char path[256];
  char kind[8];
  char arg[64];
  /* fs and rootfs: the file system the host made on the disk */
  char fstype[16];
  int prepared;
};
static struct device devices[MAX_DEVICES];
static int ndevices;

static struct device *find_device(const char *path) {
  for (int i = 0; i < ndevices; i++)
    if (strcmp(devices[i].path, path) == 0) return &devices[i];
  return NULL;
}

static int node_for(const char *path, const char *sysname) {
  char sys[256], buf[64];
  snprintf(sys, sizeof sys, "/sys/block/%s/dev", sysname);
  for (int tries = 0; tries < 3000; tries++) {
    if (read_file(sys, buf, sizeof buf - 1) > 0) break;
    usleep(10000);
  }
  long n = read_file(sys, buf, sizeof buf - 1);
  if (n <= 0) return ENODEV;
  buf[n] = 0;
  unsigned maj = 0, min = 0;
  if (sscanf(buf, "%u:%u", &maj, &min) != 2) return ENODEV;
  mkdirs(path);
  unlink(path);
  if (mknod(path, S_IFBLK | 0600, makedev(maj, min)) < 0) return errno;
  return 0;
}

static int fs_mounted;

/* Make the device ready for a swapon of SLOTS pages: node, size, header. */
static int prepare_device(struct device *d, unsigned long slots, int rotational, const char *bad) {
  if (strcmp(d->kind, "blk") == 0) {
    if (!d->prepared) {
      int e = node_for(d->path, d->arg);
      if (e) return e;
      d->prepared = 1;
    }
    char rot[128];
    snprintf(rot, sizeof rot, "/sys/block/%s/queue/rotational", d->arg);
    write_file(rot, rotational ? "1" : "0");
    return write_swap_header(d->path, slots, bad);
  }
  if (strcmp(d->kind, "zram") == 0) {
    char sys[160], name[80], size[32], state[8] = "";
    snprintf(name, sizeof name, "zram%s", d->arg);
    /* a device the scenario set up itself (comp_algorithm, disksize) is kept as it is: a reset would drop its settings */
    snprintf(sys, sizeof sys, "/sys/block/%s/initstate", name);
    long got = read_file(sys, state, sizeof state - 1);
    if (got <= 0 || state[0] != '1') {
      snprintf(sys, sizeof sys, "/sys/block/%s/reset", name);
      write_file(sys, "1");
      snprintf(sys, sizeof sys, "/sys/block/%s/disksize", name);
      snprintf(size, sizeof size, "%lu", slots * PAGE);
      int e = write_file(sys, size);
      if (e) return e;
    }
    if (!d->prepared) {
      int e = node_for(d->path, name);
      if (e) return e;
      d->prepared = 1;
    }
    return write_swap_header(d->path, slots, bad);
  }
  /* a swap file: fallocate'd on the ext4 disk, bind-mounted at its scenario path */
  if (!fs_mounted) {
    int e = node_for("/dev/.swapfs", d->arg);
    if (e) return e;
    mkdir("/mnt", 0755);
    mkdir("/mnt/swapfs", 0755);
    if (mount("/dev/.swapfs", "/mnt/swapfs", "ext4", 0, NULL) < 0) return errno;
    fs_mounted = 1;
    char rot[128];
    snprintf(rot, sizeof rot, "/sys/block/%s/queue/rotational", d->arg);
    write_file(rot, rotational ? "1" : "0");
  }
  char backing[512];
  snprintf(backing, sizeof backing, "/mnt/swapfs/f%ld", (long)(d - devices));
  if (d->prepared) umount2(d->path, MNT_DETACH);
  unlink(backing);
  int fd = open(backing, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  int e = fallocate(fd, 0, 0, (off_t)(slots * PAGE)) < 0 ? errno : 0;
  close(fd);
  if (e) return e;
  e = write_swap_header(backing, slots, bad);
  if (e) return e;
  mkdirs(d->path);
  int placeholder = open(d->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (placeholder >= 0) close(placeholder);
  if (mount(backing, d->path, NULL, MS_BIND, NULL) < 0) return errno;
  d->prepared = 1;
  return 0;
}

/* swapon(2)'s flags from a priority (-1: none), a discard policy, or the scenario's raw word (flags=N) when given. */
static int swap_flags(const char *prio_s, const char *discard, const char *raw) {
  if (raw) return (int)strtoul(raw, NULL, 10);
  int prio = atoi(prio_s);
  int flags = 0;
  if (prio >= 0) flags |= SWAP_FLAG_PREFER | (prio & SWAP_FLAG_PRIO_MASK);
  if (strcmp(discard, "both") == 0) flags |= SWAP_FLAG_DISCARD;
  else if (strcmp(discard, "once") == 0) flags |= SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE;
  else if (strcmp(discard, "pages") == 0) flags |= SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_PAGES;
  return flags;
}

/* ------------------------------------------------------------ file systems */

/*
 * Regular files (dd, truncate, fallocate, mkswap, swap files) need a real
 * file system: the host gives a `rootfs` disk (ext4, page-sized blocks, the
 * simulator's `/`) and one disk per `mount` with its file system made by
 * mkfs. Before the first step the driver loads the modules of those file
 * systems, mounts the root disk, binds /proc, /sys, /dev, /kdev and /run
 * into it and chroots there, so scenario paths (and the names /proc/swaps
 * and the kernel log print) are the scenario's own.
 */
static int rootfs_ready;

/* finit_module(2) of each module of /lib/modules/lazy-FS, in order (a module already loaded is fine). */
static void load_lazy_modules(const char *fs) {
  char list[128];
  static char names[16384];
  snprintf(list, sizeof list, "/lib/modules/lazy-%s", fs);
  long n = read_file(list, names, sizeof names - 1);
  if (n <= 0) return;
  names[n] = 0;
  char *save = NULL;
  for (char *m = strtok_r(names, "\n", &save); m; m = strtok_r(NULL, "\n", &save)) {
    char path[256];
    snprintf(path, sizeof path, "/lib/modules/%s", m);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST) out("# insmod %s: %s\n", m, errname(errno));
    close(fd);
  }
}

static void setup_rootfs(void) {
  rootfs_ready = 1;
  struct device *root = NULL;
  for (int i = 0; i < ndevices; i++) {
    if (strcmp(devices[i].kind, "fs") == 0) load_lazy_modules(devices[i].fstype);
    if (strcmp(devices[i].kind, "rootfs") == 0) root = &devices[i];
  }
  if (!root) return;
  int e = node_for("/dev/.rootfs", root->arg);
  if (e == 0) {
    mkdir("/newroot", 0755);
    if (mount("/dev/.rootfs", "/newroot", "ext4", 0, NULL) < 0) e = errno;
  }
  static const char *binds[] = {"/proc", "/sys", "/dev", "/kdev", "/run"};
  for (size_t i = 0; e == 0 && i < sizeof binds / sizeof binds[0]; i++) {
    char to[64];
    snprintf(to, sizeof to, "/newroot%s", binds[i]);
    mkdir(to, 0755);
    if (mount(binds[i], to, NULL, MS_BIND | MS_REC, NULL) < 0) e = errno;
  }
  /* /tmp is tmpfs in the simulator, as on most systems */
  if (e == 0) {
    mkdir("/newroot/tmp", 01777);
    if (mount("tmpfs", "/newroot/tmp", "tmpfs", 0, NULL) < 0) e = errno;
  }
  mkdir("/dev/shm", 01777);
  if (e == 0 && (chroot("/newroot") < 0 || chdir("/") < 0)) e = errno;
  if (e) out("# root file system: %s\n", errname(e));
}

/* mount TYPE DEVICE DIR: the disk the host made with that file system (tmpfs: none). */
static int cmd_mount(const char *type, const char *dev, const char *dir) {
  struct device *d = find_device(dev);
  if (strcmp(type, "tmpfs") != 0) {
    if (!d) return ENOENT;
    if (!d->prepared) {
      int e = node_for(d->path, d->arg);
      if (e) return e;
      d->prepared = 1;
    }
  }
  mkdirs(dir);
  mkdir(dir, 0755);
  scenario_cred();
  int e = mount(strcmp(type, "tmpfs") == 0 ? "tmpfs" : dev, dir, type, 0, NULL) < 0 ? errno : 0;
  root_cred();
  return e;
}

/*
 * mkfile PATH BYTES FILL: `written` as dd from /dev/zero does (O_TRUNC, then
 * every block written), `hole` as truncate -s (ftruncate, creating the file),
 * `unwritten` as fallocate -l. The parent directories are root's.
 */
static int cmd_mkfile(const char *path, unsigned long long bytes, const char *fill) {
  mkdirs(path);
  int written = strcmp(fill, "written") == 0;
  scenario_cred();
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (written ? O_TRUNC : 0), 0644);
  int e = fd < 0 ? errno : 0;
  if (e == 0 && written) {
    static char zero[1 << 20];
    for (unsigned long long at = 0; e == 0 && at < bytes;) {
      size_t chunk = bytes - at < sizeof zero ? (size_t)(bytes - at) : sizeof zero;
      ssize_t w = write(fd, zero, chunk);
      if (w < 0) e = errno;
      else at += (unsigned long long)w;
    }
    if (e == 0 && fsync(fd) < 0) e = errno;
  } else if (e == 0 && strcmp(fill, "hole") == 0) {
    if (ftruncate(fd, (off_t)bytes) < 0) e = errno;
  } else if (e == 0) {
    if (fallocate(fd, 0, 0, (off_t)bytes) < 0) e = errno;
  }
  if (fd >= 0) close(fd);
  root_cred();
  return e;
}

#ifndef FS_NOCOW_FL
#define FS_NOCOW_FL 0x00800000
#endif
#ifndef FS_IOC_GETFLAGS
#define FS_IOC_GETFLAGS _IOR('f', 1, long)
#define FS_IOC_SETFLAGS _IOW('f', 2, long)
#endif
/* chattr +C: FS_IOC_SETFLAGS with FS_NOCOW_FL added. */
static int cmd_chattr(const char *path) {
  scenario_cred();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int e = fd < 0 ? errno : 0;
  int flags = 0;
  if (e == 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) e = errno;
  flags |= FS_NOCOW_FL;
  if (e == 0 && ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) e = errno;
  if (fd >= 0) close(fd);
  root_cred();
  return e;
}

/*
 * mkswap PATH PAGES FORCE VERSION LABEL UUID BAD: what mkswap(8) does to a
 * regular file. Its own refusals come first (a size above the file's
 * without -f, fewer than 10 pages: EINVAL, as the simulator has them), then
 * page 0 is written: the kernel answers for an active swap file (ETXTBSY).
 */
static int cmd_mkswap(char **f) {
  scenario_cred();
  int fd = open(f[1], O_WRONLY | O_CLOEXEC);
  int e = fd < 0 ? errno : 0;
  struct stat st;
  if (e == 0 && fstat(fd, &st) < 0) e = errno;
  unsigned long file_pages = e == 0 ? (unsigned long)st.st_size / PAGE : 0;
  unsigned long pages = strcmp(f[2], "-") == 0 ? file_pages : strtoul(f[2], NULL, 10);
  if (e == 0 && pages > file_pages && atoi(f[3]) == 0) e = EINVAL;
  if (e == 0 && pages < 10) e = EINVAL;
  if (e == 0 && st.st_size < (off_t)PAGE) e = EINVAL;
  if (e == 0) e = put_swap_header(fd, (unsigned)strtoul(f[4], NULL, 10), pages, f[7], f[5], f[6]);
  if (fd >= 0) close(fd);
  root_cred();
  return e;
}

static int cmd_rm(const char *path) {
  scenario_cred();
  int e = unlink(path) < 0 ? errno : 0;
  root_cred();
  return e;
}

/* swapon-file PATH PRIO DISCARD ROTATIONAL [FLAGS]: the disk under the file gets the scenario's rotational flag first. */
static int cmd_swapon_file(char **f, int n) {
  struct stat st;
  if (stat(f[1], &st) == 0) {
    char sys[128];
    snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/queue/rotational", major(st.st_dev), minor(st.st_dev));
    write_file(sys, atoi(f[4]) ? "1" : "0");
  }
  int flags = swap_flags(f[2], f[3], n >= 6 ? f[5] : NULL);
  scenario_cred();
  int e = swapon(f[1], flags) < 0 ? errno : 0;
  root_cred();
  return e;
}

/* The kernel log buffer (syslog(2) READ_ALL, as dmesg reads it): length, or -errno. */
static long read_kernel_log(char *buf, size_t cap) {
  int len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, (int)cap);
  return len < 0 ? -errno : len;
}

/* swapon PATH PRIO DISCARD SLOTS ROTATIONAL BAD [FLAGS] */
static int cmd_swapon(char **f, int n) {
  if (n < 7) return EINVAL;
  struct device *d = find_device(f[1]);
  if (!d) return ENOENT;
  if (!swap_active(f[1])) {
    int e = prepare_device(d, strtoul(f[4], NULL, 10), atoi(f[5]), f[6]);
    if (e) {
      out("# preparing %s failed: %s\n", f[1], errname(e));
      return e;
    }
  }
  /* an eighth field is the scenario's raw swap_flags word (flags=N), passed as it is */
  int flags = swap_flags(f[2], f[3], n >= 8 ? f[7] : NULL);
  scenario_cred();
  int e = swapon(f[1], flags) < 0 ? errno : 0;
  root_cred();
  return e;
}

/* swapoff -a: every area /proc/swaps lists, last first; the first error is the result. */
static int cmd_swapoff_all(void) {
  static char buf[65536];
  long n = read_file("/proc/swaps", buf, sizeof buf - 1);
  if (n < 0) return (int)-n;
  buf[n] = 0;
  char *paths[MAX_DEVICES];
  int np = 0;
  for (char *line = strchr(buf, '\n'); line && line[1] && np < MAX_DEVICES; line = strchr(line + 1, '\n')) {
    char *p = line + 1;
    size_t len = strcspn(p, " \t");
    paths[np] = strndup(p, len);
    np++;
  }
  int result = 0;
  for (int i = np - 1; i >= 0; i--) {
    if (swapoff(paths[i]) < 0 && result == 0) result = errno;
    free(paths[i]);
  }
  return result;
}

static char file_buf[1 << 20];

/* obs ID PATH: the whole file for an observable (the host parses it); fobs ID NAME: the same through an open file. */
static void cmd_obs(char **f, int n, int named) {
  if (n < 3) return;
  long len = named ? read_named(f[2], file_buf, sizeof file_buf) : read_file(f[2], file_buf, sizeof file_buf);
  char head[128];
  snprintf(head, sizeof head, "O %s %s", f[1], errname(len < 0 ? (int)-len : 0));
  out_block(head, file_buf, len < 0 ? 0 : (size_t)len);
}

/* tobs ID TASK: a task's state, /proc/PID/status and cgroup. */
static void cmd_tobs(char **f, int n) {
  if (n < 3) return;
  struct task *t = find_task(f[2]);
  char head[128];
  if (!t) {
    snprintf(head, sizeof head, "T %s none", f[1]);
    out_block(head, "", 0);
    return;
  }
  poll_task(t);
  size_t len = 0;
  if (strcmp(t->state, "alive") == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)t->pid);
    long a = read_file(path, file_buf, sizeof file_buf / 2);
    if (a > 0) len = (size_t)a;
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)t->pid);
    long b = read_file(path, file_buf + len, sizeof file_buf / 2);
    if (b > 0) len += (size_t)b;
  }
  snprintf(head, sizeof head, "T %s %s", f[1], t->state);
  out_block(head, file_buf, len);
}

/* Ask a task where a region is: 0 with its address and pages, or an errno. */
static int ask_addr(struct task *t, const char *region, unsigned long *addr, size_t *pages) {
  if (!t->cmd || strcmp(t->state, "alive") != 0) return ESRCH;
  fprintf(t->cmd, "addr %s\n", region);
  char line[128];
  if (fflush(t->cmd) != 0 || !fgets(line, sizeof line, t->reply)) {
    mark_dead(t);
    return ESRCH;
  }
  if (sscanf(line, "a %lx %zu", addr, pages) == 2) return 0;
  return ENOENT;
}

/*
 * pmadvise TASK REGION FIRST COUNT ALIGNED ADVICE: process_madvise(2) from
 * the driver on the task's pages, through a pidfd, as LTP's process_madvise01
 * does (the advice the kernel refuses there, free and dontneed, is passed on
 * so the kernel gives its own errno).
 */
static int cmd_pmadvise(char **f, int n) {
  if (n < 7) return EINVAL;
  struct task *t = find_task(f[1]);
  if (!t) return ESRCH;
  unsigned long addr = 0;
  size_t pages = 0;
  int e = ask_addr(t, f[2], &addr, &pages);
  if (e) return e;
  size_t first = strtoul(f[3], NULL, 10), count = strtoul(f[4], NULL, 10);
  int advice = strcmp(f[6], "cold") == 0 ? MADV_COLD : strcmp(f[6], "pageout") == 0 ? MADV_PAGEOUT : strcmp(f[6], "dontneed") == 0 ? MADV_DONTNEED : strcmp(f[6], "free") == 0 ? MADV_FREE : -1;
  if (advice < 0) return EINVAL;
  int pidfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
  if (pidfd < 0) return errno;
  struct iovec v = {(void *)(addr + first * PAGE + (atoi(f[5]) ? 0 : 1)), count * PAGE};
  scenario_cred();
  e = syscall(SYS_process_madvise, pidfd, &v, 1UL, advice, 0U) < 0 ? errno : 0;
  root_cred();
  close(pidfd);
  return e;
}

/* Append a file to BUF under a `== NAME` line; returns the new length. */
static size_t append_file(char *buf, size_t len, size_t cap, const char *name, const char *path) {
  len += (size_t)snprintf(buf + len, cap - len, "== %s\n", name);
  long n = read_file(path, buf + len, cap - len - 1);
  if (n > 0) len += (size_t)n;
  return len;
}

/*
 * pobs ID TASK REGION PAGE FILE: what one of the task's /proc/PID files
 * shows. FILE `status` or `smaps_rollup`: the file under `== FILE`;
 * `pagemap`: `== pagemap HEX`, the word of page PAGE of REGION; `smaps`:
 * one `== smaps` per smaps entry lying inside REGION. Only the file asked
 * for is sent: a scenario may read a page's pagemap in a loop of hundreds.
 */
static void cmd_pobs(char **f, int n) {
  if (n < 6) return;
  const char *file = f[5];
  struct task *t = find_task(f[2]);
  char head[128];
  if (!t) {
    snprintf(head, sizeof head, "P %s none", f[1]);
    out_block(head, "", 0);
    return;
  }
  poll_task(t);
  static char buf[1 << 20], smaps[1 << 20];
  size_t len = 0, cap = sizeof buf;
  if (strcmp(t->state, "alive") == 0) {
    char path[64];
    unsigned long addr = 0;
    size_t pages = 0;
    if (strcmp(file, "status") == 0 || strcmp(file, "smaps_rollup") == 0) {
      snprintf(path, sizeof path, "/proc/%d/%s", (int)t->pid, file);
      len = append_file(buf, len, cap, file, path);
    } else if (strcmp(file, "pagemap") == 0 && ask_addr(t, f[3], &addr, &pages) == 0) {
      unsigned long page = strtoul(f[4], NULL, 10);
      uint64_t word = 0;
      snprintf(path, sizeof path, "/proc/%d/pagemap", (int)t->pid);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        if (pread(fd, &word, sizeof word, (off_t)((addr / PAGE + page) * sizeof word)) == (ssize_t)sizeof word)
          len += (size_t)snprintf(buf + len, cap - len, "== pagemap %016llx\n", (unsigned long long)word);
        close(fd);
      }
    } else if (strcmp(file, "smaps") == 0 && ask_addr(t, f[3], &addr, &pages) == 0) {
      snprintf(path, sizeof path, "/proc/%d/smaps", (int)t->pid);
      long m = read_file(path, smaps, sizeof smaps - 1);
      smaps[m > 0 ? m : 0] = 0;
      /* an entry starts with its `start-end perms …` line and runs to the next one */
      char *entry = m > 0 ? smaps : NULL;
      while (entry && *entry) {
        char *next = entry;
        for (;;) {
          next = strchr(next, '\n');
          if (!next || !next[1]) {
            next = NULL;
            break;
          }
          next++;
          unsigned long a, b;
          if (sscanf(next, "%lx-%lx ", &a, &b) == 2 && strchr(next, ' ') && strchr(next, '-') < strchr(next, ' ')) break;
        }
        unsigned long a = 0, b = 0;
        size_t elen = next ? (size_t)(next - entry) : strlen(entry);
        if (sscanf(entry, "%lx-%lx ", &a, &b) == 2 && a >= addr && b <= addr + pages * PAGE && len + elen + 16 < cap) {
          len += (size_t)snprintf(buf + len, cap - len, "== smaps\n");
          memcpy(buf + len, entry, elen);
          len += elen;
        }
        entry = next;
      }
    }
  }
  snprintf(head, sizeof head, "P %s %s", f[1], t->state);
  out_block(head, buf, len);
}

/* cat PATH, or fcat NAME through an open file */
static void cmd_cat(const char *step, const char *path, int named) {
  long len = named ? read_named(path, file_buf, sizeof file_buf) : read_file(path, file_buf, sizeof file_buf);
  char head[128];
  snprintf(head, sizeof head, "C %s", step);
  if (len < 0) {
    char msg[128];
    int m = snprintf(msg, sizeof msg, "cat: %s: %s\n", path, errname((int)-len));
    out_block(head, msg, (size_t)m);
  } else {
    out_block(head, file_buf, (size_t)len);
  }
  /* a `cat` has an outcome like any command: the errno of its read */
  out("E %s %s\n", step, errname(len < 0 ? (int)-len : 0));
}

/* kobs ID: the kernel log for `expect dmesg contains` (the host searches it). */
static void cmd_kobs(const char *id) {
  long len = read_kernel_log(file_buf, sizeof file_buf);
  char head[128];
  snprintf(head, sizeof head, "O %s %s", id, errname(len < 0 ? (int)-len : 0));
  out_block(head, file_buf, len < 0 ? 0 : (size_t)len);
}

/* dmesg: the log in the guest output (shown, not compared), and the read's errno as the step's result. */
static void cmd_dmesg(const char *step) {
  long len = read_kernel_log(file_buf, sizeof file_buf);
  char head[128];
  snprintf(head, sizeof head, "C %s", step);
  out_block(head, file_buf, len < 0 ? 0 : (size_t)len);
  out("E %s %s\n", step, errname(len < 0 ? (int)-len : 0));
}

/* ------------------------------------------------------------ batched runs */

/*
 * Several scenarios in one boot (`scenario N` lines in the command file):
 * between two scenarios the driver puts back what a fresh boot has. Tasks
 * are killed and reaped, every swap area is swapped off, every cgroup is
 * removed, caches are dropped and each tunable a scenario may write gets
 * its value from the start of the run. Event counters cannot be reset:
 * the driver prints them as each scenario starts (`B` blocks) and the host
 * counts from there. docs/verify.md, "Batched runs", has what was checked.
 */
#define MAX_TUNABLES 512
static struct {
  char path[192];
  char value[128];
} tunables[MAX_TUNABLES];
static int ntunables;

/* The value to write back: the bracketed choice of a policy file (`always [madvise] never`), else the text. */
static void tunable_value(const char *text, char *out_buf, size_t cap) {
  const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
  if (open && close) snprintf(out_buf, cap, "%.*s", (int)(close - open - 1), open + 1);
  else snprintf(out_buf, cap, "%.*s", (int)strcspn(text, "\n"), text);
}

/* Remember every readable, writable file of DIR (and its subfolders up to DEPTH). */
static void snapshot_tunables(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && ntunables < MAX_TUNABLES) {
    if (e->d_name[0] == '.') continue;
    char path[192];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) < 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth > 0) snapshot_tunables(path, depth - 1);
      continue;
    }
    if (!(st.st_mode & S_IWUSR) || strcmp(e->d_name, "drop_caches") == 0 || strcmp(e->d_name, "compact_memory") == 0) continue;
    char buf[256];
    long n = read_file(path, buf, sizeof buf - 1);
    if (n <= 0 || n >= (long)sizeof buf - 1) continue;
    buf[n] = 0;
    snprintf(tunables[ntunables].path, sizeof tunables[ntunables].path, "%s", path);
    tunable_value(buf, tunables[ntunables].value, sizeof tunables[ntunables].value);
    ntunables++;
  }
  closedir(d);
}

static void snapshot_all_tunables(void) {
  snapshot_tunables("/proc/sys/vm", 0);
  snapshot_tunables("/sys/module/zswap/parameters", 0);
  snapshot_tunables("/sys/kernel/mm/transparent_hugepage", 1);
  snapshot_tunables("/sys/kernel/mm/swap", 0);
  snapshot_tunables("/sys/kernel/mm/lru_gen", 0);
}

/* rmdir every cgroup below DIR, deepest first. */
static void remove_cgroups(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char children[64][256];
  int n = 0;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (e->d_name[0] == '.' || e->d_type != DT_DIR) continue;
    snprintf(children[n++], sizeof children[0], "%s/%s", dir, e->d_name);
  }
  closedir(d);
  for (int i = 0; i < n; i++) {
    remove_cgroups(children[i]);
    if (rmdir(children[i]) < 0) out("# reset: rmdir %s: %s\n", children[i], errname(errno));
  }
}

/* Counter files whose values a scenario reads: printed as each scenario starts. */
static void print_counter_bases(void) {
  static char buf[1 << 16];
  const char *dirs[] = {"/sys/kernel/debug/zswap"};
  long n = read_file("/proc/vmstat", buf, sizeof buf);
  out_block("B /proc/vmstat", buf, n < 0 ? 0 : (size_t)n);
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    DIR *d = opendir(dirs[i]);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      char path[256], head[300];
      snprintf(path, sizeof path, "%s/%s", dirs[i], e->d_name);
      n = read_file(path, buf, sizeof buf);
      if (n < 0) continue;
      snprintf(head, sizeof head, "B %s", path);
      out_block(head, buf, (size_t)n);
    }
    closedir(d);
  }
  DIR *thp = opendir("/sys/kernel/mm/transparent_hugepage");
  struct dirent *e;
  while (thp && (e = readdir(thp)) != NULL) {
    if (strncmp(e->d_name, "hugepages-", 10) != 0) continue;
    char stats[256];
    snprintf(stats, sizeof stats, "/sys/kernel/mm/transparent_hugepage/%s/stats", e->d_name);
    DIR *s = opendir(stats);
    struct dirent *f;
    while (s && (f = readdir(s)) != NULL) {
      if (f->d_name[0] == '.') continue;
      char path[512], head[600];
      snprintf(path, sizeof path, "%s/%s", stats, f->d_name);
      n = read_file(path, buf, sizeof buf);
      if (n < 0) continue;
      snprintf(head, sizeof head, "B %s", path);
      out_block(head, buf, (size_t)n);
    }
    if (s) closedir(s);
  }
  if (thp) closedir(thp);
}

/* Put the kernel back as a fresh boot has it, between two scenarios of one run. */
static void reset_between_scenarios(void) {
  for (int i = 0; i < MAX_TASKS; i++) {
    struct task *t = &tasks[i];
    if (t->name[0] && strcmp(t->state, "alive") == 0 && t->pid > 0) kill(t->pid, SIGKILL);
    if (t->cmd) fclose(t->cmd);
    if (t->reply) fclose(t->reply);
    memset(t, 0, sizeof *t);
  }
  /* children are not kept as zombies (SIGCHLD is ignored): wait() returns once every one has gone */
  while (wait(NULL) > 0 || errno == EINTR) {
  }
  int e = cmd_swapoff_all();
  if (e) out("# reset: swapoff: %s\n", errname(e));
  close_all_named();
  root_cred();
  cred_uid = 0;
  cred_sys_admin = 1;
  remove_cgroups("/sys/fs/cgroup");
  for (int i = 0; i < ntunables; i++) {
    char buf[256], now[128];
    long n = read_file(tunables[i].path, buf, sizeof buf - 1);
    if (n < 0) continue;
    buf[n] = 0;
    tunable_value(buf, now, sizeof now);
    if (strcmp(now, tunables[i].value) != 0 && (e = write_file(tunables[i].path, tunables[i].value)) != 0) out("# reset: %s: %s\n", tunables[i].path, errname(e));
  }
  for (int i = 0; i < ndevices; i++)
    if (devices[i].prepared && strcmp(devices[i].kind, "blk") == 0) unlink(devices[i].path);
  memset(devices, 0, sizeof devices);
  ndevices = 0;
  sync();
  write_file("/proc/sys/vm/drop_caches", "3");
}

/* After a reset: what is left that a fresh boot does not have ("" when nothing). */
static const char *reset_leftover(void) {
  static char buf[4096];
  long n = read_file("/proc/swaps", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl && nl[1]) return "a swap area is still on";
  }
  n = read_file("/sys/kernel/debug/zswap/stored_pages", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    if (atol(buf) != 0) return "zswap still stores pages";
  }
  DIR *d = opendir("/sys/fs/cgroup");
  struct dirent *e;
  int left = 0;
  while (d && (e = readdir(d)) != NULL) left |= e->d_name[0] != '.' && e->d_type == DT_DIR;
  if (d) closedir(d);
  return left ? "a cgroup could not be removed" : "";
}

static int run_driver(const char *file) {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signal(SIGCHLD, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  write_file("/proc/self/oom_score_adj", "-1000");
  FILE *in = fopen(file, "r");
  if (!in) {
    out("# cannot open %s: %s\n", file, errname(errno));
    return 1;
  }
  char *line = malloc(MAX_LINE);
  char step[32] = "0";
  out("@started\n");
  snapshot_all_tunables();
  static char *f[1 << 16];
  while (fgets(line, MAX_LINE, in)) {
    int n = split(line, f, 1 << 16);
    if (n == 0 || f[0][0] == '#') continue;
    for (int i = 1; i < n; i++) unescape(f[i]);
    const char *c = f[0];
    int e = 0, result = 1;
    if (strcmp(c, "dev") == 0 && n >= 4 && ndevices < MAX_DEVICES) {
      struct device *d = &devices[ndevices++];
      snprintf(d->path, sizeof d->path, "%s", f[1]);
      snprintf(d->kind, sizeof d->kind, "%s", f[2]);
      snprintf(d->arg, sizeof d->arg, "%s", f[3]);
      if (n >= 5) snprintf(d->fstype, sizeof d->fstype, "%s", f[4]);
      continue;
    }
    if (strcmp(c, "scenario") == 0 && n >= 2) {
      const char *left = "";
      if (strcmp(f[1], "0") != 0) {
        reset_between_scenarios();
        left = reset_leftover();
      }
      snprintf(step, sizeof step, "0");
      out("@scenario %s\n", f[1]);
      /* the host runs this scenario again in a fresh boot */
      if (left[0]) out("@unclean %s\n", left);
      print_counter_bases();
      continue;
    }
    if (strcmp(c, "end") == 0) {
      out("@done\n");
      continue;
    }
    if (strcmp(c, "step") == 0 && n >= 2) {
      if (!rootfs_ready) setup_rootfs();
      snprintf(step, sizeof step, "%s", f[1]);
      for (int i = 0; i < MAX_TASKS; i++) poll_task(&tasks[i]);
      out("S %s\n", step);
      continue;
    }
    /* statements that run with the scenario's credentials (`user`); the driver's own work stays root's */
    int as_scenario = strcmp(c, "obs") == 0 || strcmp(c, "fobs") == 0 || strcmp(c, "cat") == 0 || strcmp(c, "fcat") == 0 ||
                      strcmp(c, "swapoff") == 0 || strcmp(c, "swapoff-all") == 0 || strcmp(c, "write") == 0 ||
                      strcmp(c, "write-empty") == 0 || strcmp(c, "mkdir") == 0 || strcmp(c, "mkdir-p") == 0 ||
                      strcmp(c, "rmdir") == 0 || strcmp(c, "move") == 0 || strcmp(c, "open") == 0 || strcmp(c, "close") == 0 ||
                      strcmp(c, "fwrite") == 0 || strcmp(c, "fwrite-empty") == 0 || strcmp(c, "fmove") == 0;
    if (as_scenario) scenario_cred();
    if (strcmp(c, "obs") == 0 || strcmp(c, "fobs") == 0) {
      cmd_obs(f, n, c[0] == 'f');
      root_cred();
      continue;
    }
    if (strcmp(c, "tobs") == 0) {
      cmd_tobs(f, n);
      continue;
    }
    if (strcmp(c, "pobs") == 0) {
      cmd_pobs(f, n);
      continue;
    }
    if (strcmp(c, "kobs") == 0 && n >= 2) {
      cmd_kobs(f[1]);
      continue;
    }
    if (strcmp(c, "dmesg") == 0) {
      cmd_dmesg(step);
      continue;
    }
    if ((strcmp(c, "cat") == 0 || strcmp(c, "fcat") == 0) && n >= 2) {
      cmd_cat(step, f[1], c[0] == 'f');
      root_cred();
      continue;
    }
    if (strcmp(c, "sync") == 0) {
      sync();
      continue;
    }
    if (strcmp(c, "swapon") == 0) e = cmd_swapon(f, n);
    else if (strcmp(c, "swapoff") == 0 && n >= 2) e = swapoff(f[1]) < 0 ? errno : 0;
    else if (strcmp(c, "swapoff-all") == 0) e = cmd_swapoff_all();
    else if (strcmp(c, "write") == 0 && n >= 3) e = write_file(f[1], f[2]);
    else if (strcmp(c, "write-empty") == 0 && n >= 2) e = write_file(f[1], "");
    else if (strcmp(c, "fwrite") == 0 && n >= 3) e = write_named(f[1], f[2]);
    else if (strcmp(c, "fwrite-empty") == 0 && n >= 2) e = write_named(f[1], "");
    else if (strcmp(c, "open") == 0 && n >= 3) e = open_named(f[1], f[2]);
    else if (strcmp(c, "close") == 0 && n >= 2) e = close_named(f[1]);
    else if (strcmp(c, "mount") == 0 && n >= 4) e = cmd_mount(f[1], f[2], f[3]);
    else if (strcmp(c, "mkfile") == 0 && n >= 4) e = cmd_mkfile(f[1], strtoull(f[2], NULL, 10), f[3]);
    else if (strcmp(c, "chattr") == 0 && n >= 2) e = cmd_chattr(f[1]);
    else if (strcmp(c, "mkswap") == 0 && n >= 8) e = cmd_mkswap(f);
    else if (strcmp(c, "rm") == 0 && n >= 2) e = cmd_rm(f[1]);
    else if (strcmp(c, "swapon-file") == 0 && n >= 5) e = cmd_swapon_file(f, n);
    else if (strcmp(c, "dmesg-clear") == 0) e = klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0) < 0 ? errno : 0;
    else if (strcmp(c, "user") == 0 && n >= 3) {
      /* user UID SYS_ADMIN: the credentials of the statements that follow */
      cred_uid = atoi(f[1]);
      cred_sys_admin = atoi(f[2]);
    }
    else if (strcmp(c, "mkdir") == 0 && n >= 2) {
      struct stat st;
      if (stat(f[1], &st) < 0) enable_memory_for_children(f[1]);
      e = mkdir(f[1], 0755) < 0 ? errno : 0;
    } else if (strcmp(c, "mkdir-p") == 0 && n >= 2) e = mkdir_cgroup_p(f[1]);
    else if (strcmp(c, "rmdir") == 0 && n >= 2) e = rmdir(f[1]) < 0 ? errno : 0;
    else if (strcmp(c, "task") == 0) e = cmd_task(f, n);
    else if (strcmp(c, "pmadvise") == 0) e = cmd_pmadvise(f, n);
    else if (strcmp(c, "fork") == 0) e = cmd_fork(f, n);
    else if ((strcmp(c, "move") == 0 || strcmp(c, "fmove") == 0) && n >= 3) {
      /* move TASK PROCS_FILE, or fmove TASK NAME through an open cgroup.procs */
      struct task *t = find_task(f[1]);
      if (!t || strcmp(t->state, "alive") != 0) e = ESRCH;
      else {
        char pid[32];
        snprintf(pid, sizeof pid, "%d", (int)t->pid);
        e = c[0] == 'f' ? write_named(f[2], pid) : write_file(f[2], pid);
      }
    } else if (strcmp(c, "mmap") == 0 || strcmp(c, "touch") == 0 || strcmp(c, "pageout") == 0 || strcmp(c, "munmap") == 0 || strcmp(c, "exit") == 0 ||
             strcmp(c, "madvise") == 0 || strcmp(c, "mlock") == 0 || strcmp(c, "munlock") == 0 || strcmp(c, "mremap") == 0)
      e = cmd_to_task(f, n);
    else {
      out("# unknown command %s\n", c);
      result = 0;
    }
    if (as_scenario) root_cred();
    if (result) out("E %s %s\n", step, errname(e));
  }
  out("@done\n");
  /* the guest powers off right after: let the UART send everything first */
  tcdrain(STDOUT_FILENO);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "run") == 0) return run_driver(argv[2]);
  if (argc >= 4 && strcmp(argv[1], "task") == 0) return task_loop(argv[2], argv[3]);
  fprintf(stderr, "usage: swapsim-guest run FILE | task CMD REPLY\n");
  return 2;
}
