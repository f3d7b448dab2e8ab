/*
 * matmul-kernel checker and timer -- NOT editable by experiments.
 *
 *   bench N --worker PATH [--results-fd FD] [--seed HEX] [--min-reps R] [--max-reps R]
 *         [--target-seconds S] [--call-timeout S]
 *
 * Built from this file alone: the agent's kernel is never linked into this program. It runs in
 * a separate program, the worker (worker.c + kernel.o, linked statically by run.py), which this
 * checker starts confined and talks to through pipes and shared matrices:
 *
 *   checker (this code)                     worker (fork, seccomp filter, exec of PATH)
 *   -------------------                     ------------------------------------------------
 *   draws fresh random A, B (private)       waits for a command byte on fd 3
 *   copies them into shared A, B            ...
 *   fills shared C with NaN
 *   t0 = CLOCK_MONOTONIC, sends 'g'  --->   matmul(n, A, B, C)      (compute and memory only:
 *   waits for 'd' (poll with a timeout) <---   sends 'd' on fd 4      no files, output, clocks)
 *   t1, snapshots C at once
 *   checks A and B are unchanged, C finite and within the float error bound of a double
 *   reference computed from the private copies
 *
 * The seccomp filter is installed before exec, so it holds from the worker's first instruction
 * (anything that would run before main, such as a constructor, is confined too); the worker's
 * stdin, stdout and stderr are /dev/null and it holds no other descriptor. The seed is drawn
 * after the worker started, so nothing in it can predict an input.
 *
 * The first call checks correctness (and warms up); every timed call after it gets fresh
 * inputs and is checked the same way. The score is the best timed call: 2 n^3 / seconds.
 * Progress and failures go to stdout; the results go as `name value` lines to --results-fd
 * (run.py reads them and prints the METRIC lines), only after every check passed. Any failure
 * prints a reason and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#define HARNESS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HARNESS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "harness.c: seccomp filter written for x86_64 and aarch64 only"
#endif

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static const uint32_t POISON_BITS = 0xFFFFFFFFu; /* a NaN: C is filled with it before every call */

static int n_;
static size_t elems_;
static float *shared_a_, *shared_b_, *shared_c_;
static pid_t worker_ = -1;
static int cmd_w_ = -1, done_r_ = -1;

/* ------------------------------------------------------------------------------ util */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void stop_worker(void)
{
    if (worker_ > 0) {
        kill(worker_, SIGKILL);
        waitpid(worker_, NULL, 0);
        worker_ = -1;
    }
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    printf("matmul-kernel: FAILED: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    stop_worker();
    exit(EXIT_FAILED);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1) on a 2^-23 grid: exactly representable, products exact in double. */
static void fill_random(float *m, size_t count, uint64_t *state)
{
    for (size_t i = 0; i < count; i++) {
        m[i] = (float)((int64_t)(splitmix64(state) >> 40) - (1 << 23)) * 0x1p-23f;
    }
}

static const char *signal_hint(int sig)
{
    switch (sig) {
    case SIGSEGV: return " (segmentation fault: the kernel touched memory outside a, b and c, or its own buffers)";
    case SIGBUS: return " (bus error: misaligned or invalid memory access)";
    case SIGILL: return " (illegal instruction: code built for a CPU feature this machine lacks?)";
    case SIGFPE: return " (arithmetic exception)";
    case SIGABRT: return " (abort)";
    case SIGSYS: return " (forbidden system call)";
    case SIGKILL: return " (killed: out of memory?)";
    default: return "";
    }
}

static const char *syscall_name(int nr)
{
    switch (nr) {
#ifdef __NR_open
    case __NR_open: return "open";
#endif
    case __NR_openat: return "openat";
    case __NR_write: return "write";
    case __NR_read: return "read";
    case __NR_clone: return "clone";
#ifdef __NR_clone3
    case __NR_clone3: return "clone3";
#endif
#ifdef __NR_fork
    case __NR_fork: return "fork";
#endif
    case __NR_execve: return "execve";
    case __NR_clock_gettime: return "clock_gettime";
    case __NR_clock_nanosleep: return "clock_nanosleep";
    case __NR_nanosleep: return "nanosleep";
    case __NR_futex: return "futex";
    case __NR_rt_sigaction: return "rt_sigaction";
    case __NR_rt_sigprocmask: return "rt_sigprocmask";
    case __NR_ioctl: return "ioctl";
    case __NR_ptrace: return "ptrace";
    case __NR_process_vm_writev: return "process_vm_writev";
    case __NR_kill: return "kill";
    case __NR_sched_yield: return "sched_yield";
    case __NR_getpid: return "getpid";
#ifdef __NR_newfstatat
    case __NR_newfstatat: return "newfstatat (stdio)";
#endif
#ifdef __NR_fstat
    case __NR_fstat: return "fstat (stdio)";
#endif
    default: return "?";
    }
}

/* ------------------------------------------------------------------------------ worker */

/* The worker's fixed descriptors (worker.c): commands, replies, matrices; the program itself only until exec. */
enum { WORKER_CMD_FD = 3, WORKER_DONE_FD = 4, WORKER_MATRIX_FD = 5, WORKER_EXE_FD = 6 };

/*
 * Installed in the child before it execs the worker, so that it holds from the worker's first instruction (its
 * start-up code and anything else that might run before main): start-up and memory management, reading commands,
 * replying, exit. The one exec allowed is of WORKER_EXE_FD, which is close-on-exec: after it, nothing is left to
 * exec. Everything else fails with EPERM (the worker adds a stricter filter that traps before the first call).
 */
static int install_startup_filter(void)
{
    struct sock_filter filter[96];
    unsigned len = 0;
#define EMIT(s) (filter[len++] = (struct sock_filter)s)
#define ALLOW_NR(nr)                                                        \
    do {                                                                    \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(nr), 0, 1));    \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));                 \
    } while (0)
#define ALLOW_NR_ARG0(nr, value)                                                                    \
    do {                                                                                            \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(nr), 0, 4));                            \
        EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, args[0]))); \
        EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(value), 0, 1));                         \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));                                         \
        EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));                                 \
    } while (0)
#define RELOAD_NR() EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, nr)))

    EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof(struct seccomp_data, arch)));
    EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HARNESS_AUDIT_ARCH, 1, 0));
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    RELOAD_NR();
    ALLOW_NR(__NR_brk);
    ALLOW_NR(__NR_mmap);
    ALLOW_NR(__NR_munmap);
    ALLOW_NR(__NR_mremap);
    ALLOW_NR(__NR_madvise);
    ALLOW_NR(__NR_mprotect);
    ALLOW_NR(__NR_getrandom);
    ALLOW_NR(__NR_rt_sigreturn);
    ALLOW_NR(__NR_rt_sigaction);
    ALLOW_NR(__NR_rt_sigprocmask);
    ALLOW_NR(__NR_set_tid_address);
    ALLOW_NR(__NR_set_robust_list);
#ifdef __NR_rseq
    ALLOW_NR(__NR_rseq);
#endif
#ifdef __NR_arch_prctl
    ALLOW_NR(__NR_arch_prctl);
#endif
    ALLOW_NR(__NR_prlimit64);
    ALLOW_NR(__NR_seccomp); /* only ever adds restrictions: the worker's own, stricter filter */
    ALLOW_NR(__NR_exit);
    ALLOW_NR(__NR_exit_group);
    /* The argument checks come last: they overwrite the accumulator. */
    ALLOW_NR_ARG0(__NR_read, WORKER_CMD_FD);
    RELOAD_NR();
    ALLOW_NR_ARG0(__NR_write, WORKER_DONE_FD);
    RELOAD_NR();
    ALLOW_NR_ARG0(__NR_execveat, WORKER_EXE_FD);
    EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
#undef EMIT
#undef ALLOW_NR
#undef ALLOW_NR_ARG0
#undef RELOAD_NR

    struct sock_fprog program = {.len = (unsigned short)len, .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return -1;
    }
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}

/* In the forked child: fixed descriptors, nothing else open, confined, then exec of the worker program. */
static void exec_worker(int cmd_fd, int done_fd, int matrix_fd, int exe_fd) __attribute__((noreturn));

static void exec_worker(int cmd_fd, int done_fd, int matrix_fd, int exe_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* Out of the way of 0..6 first, then into place (dup2 clears close-on-exec; the program fd keeps it). */
    int high[4] = {fcntl(cmd_fd, F_DUPFD_CLOEXEC, 64), fcntl(done_fd, F_DUPFD_CLOEXEC, 64),
                   fcntl(matrix_fd, F_DUPFD_CLOEXEC, 64), fcntl(exe_fd, F_DUPFD_CLOEXEC, 64)};
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (high[0] < 0 || high[1] < 0 || high[2] < 0 || high[3] < 0 || null_fd < 0 || dup2(null_fd, 0) < 0 ||
        dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0 || dup2(high[0], WORKER_CMD_FD) < 0 ||
        dup2(high[1], WORKER_DONE_FD) < 0 || dup2(high[2], WORKER_MATRIX_FD) < 0 ||
        dup3(high[3], WORKER_EXE_FD, O_CLOEXEC) < 0) {
        _exit(114);
    }
    /* Nothing else stays open (close_range where the kernel has it, else every descriptor up to the limit). */
#ifdef __NR_close_range
    long closed = syscall(__NR_close_range, WORKER_EXE_FD + 1, ~0U, 0);
#else
    long closed = -1;
#endif
    if (closed != 0) {
        long limit = sysconf(_SC_OPEN_MAX);
        for (long fd = WORKER_EXE_FD + 1; fd < (limit > 0 ? limit : 65536); fd++) {
            close((int)fd);
        }
    }
    char n_text[16];
    snprintf(n_text, sizeof n_text, "%d", n_);
    char *argv[] = {"worker", n_text, NULL};
    char *envp[] = {NULL};
    int status = 0;
    if (install_startup_filter() != 0) {
        status = errno;
    } else {
        syscall(__NR_execveat, WORKER_EXE_FD, "", argv, envp, AT_EMPTY_PATH);
        status = errno;
    }
    /* Still here: report why in place of the worker's "confined" message. */
    ssize_t ignored = write(WORKER_DONE_FD, &status, sizeof status);
    (void)ignored;
    _exit(113);
}

/* ------------------------------------------------------------------------------ parent */

static size_t region_bytes(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (elems_ * sizeof(float) + page - 1) / page * page;
}

/* A memfd of three page-rounded regions A, B, C, shared with the worker (which maps them between guard pages). */
static int map_matrices(void)
{
    size_t region = region_bytes();
    int fd = (int)syscall(__NR_memfd_create, "matmul-matrices", MFD_CLOEXEC);
    if (fd < 0) {
        fail("memfd_create: %s", strerror(errno));
    }
    if (ftruncate(fd, (off_t)(3 * region)) != 0) {
        fail("cannot size the shared matrices (%zu bytes): %s", 3 * region, strerror(errno));
    }
    unsigned char *base = mmap(NULL, 3 * region, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        fail("cannot map %zu bytes for the matrices: %s", 3 * region, strerror(errno));
    }
    shared_a_ = (float *)base;
    shared_b_ = (float *)(base + region);
    shared_c_ = (float *)(base + 2 * region);
    return fd;
}

static void start_worker(const char *worker_path, int matrix_fd)
{
    int exe_fd = open(worker_path, O_RDONLY | O_CLOEXEC);
    if (exe_fd < 0) {
        fail("cannot open the worker program %s: %s", worker_path, strerror(errno));
    }
    int cmd[2], done[2];
    if (pipe2(cmd, O_CLOEXEC) != 0 || pipe2(done, O_CLOEXEC) != 0) {
        fail("pipe: %s", strerror(errno));
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fail("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        exec_worker(cmd[0], done[1], matrix_fd, exe_fd);
    }
    worker_ = pid;
    close(exe_fd);
    close(cmd[0]);
    close(done[1]);
    cmd_w_ = cmd[1];
    done_r_ = done[0];
    int status = -1;
    ssize_t got = read(done_r_, &status, sizeof status);
    if (got == 0) {
        int wstatus = 0;
        waitpid(worker_, &wstatus, 0);
        worker_ = -1;
        if (WIFSIGNALED(wstatus)) {
            fail("the kernel process died from signal %d%s before the first call (while starting up: code that runs "
                 "before matmul() is not allowed)",
                 WTERMSIG(wstatus), signal_hint(WTERMSIG(wstatus)));
        }
        fail("the kernel process exited with status %d before the first call (while starting up: code that runs "
             "before matmul() is not allowed)",
             WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    }
    if (got == (ssize_t)sizeof status && (status < 0 || status > 4095)) {
        fail("the kernel process sent 0x%08x before its start-up message: code ran before matmul() (a constructor?); "
             "only matmul() may run",
             (unsigned)status);
    }
    if (got != (ssize_t)sizeof status || status != 0) {
        fail("cannot start and confine the kernel process with seccomp (%s); refusing to run it unconfined",
             got == (ssize_t)sizeof status ? strerror(status) : "short start-up message");
    }
}

static void describe_worker_death(int call, const char *what)
{
    int status = 0;
    waitpid(worker_, &status, 0);
    worker_ = -1;
    if (WIFSIGNALED(status)) {
        fail("the kernel process died from signal %d%s during %s %d", WTERMSIG(status), signal_hint(WTERMSIG(status)),
             what, call);
    }
    fail("the kernel process exited with status %d during %s %d (the kernel must return, not exit)",
         WIFEXITED(status) ? WEXITSTATUS(status) : -1, what, call);
}

/* Runs one call; returns its wall-clock seconds. c_out receives C as it was when the kernel reported done. */
static double run_call(const float *a, const float *b, float *c_out, int call, const char *what, double timeout_s)
{
    memcpy(shared_a_, a, elems_ * sizeof(float));
    memcpy(shared_b_, b, elems_ * sizeof(float));
    memset(shared_c_, 0xFF, elems_ * sizeof(float));
    char go = 'g';

    double t0 = now_seconds();
    if (write(cmd_w_, &go, 1) != 1) {
        describe_worker_death(call, what);
    }
    struct pollfd pfd = {.fd = done_r_, .events = POLLIN};
    int ready;
    do {
        ready = poll(&pfd, 1, (int)(timeout_s * 1000));
    } while (ready < 0 && errno == EINTR);
    char reply = 0;
    ssize_t got = ready > 0 ? read(done_r_, &reply, 1) : -1;
    double t1 = now_seconds();
    memcpy(c_out, shared_c_, elems_ * sizeof(float)); /* snapshot first: the result must be there now */

    if (ready == 0) {
        fail("the kernel did not return within %.0f s on %s %d (it is far too slow, or never returns)", timeout_s, what,
             call);
    }
    if (got == 0) {
        describe_worker_death(call, what);
    }
    if (got != 1) {
        fail("lost contact with the kernel process on %s %d: %s", what, call, strerror(errno));
    }
    if (reply == 'S') {
        int nr = -1;
        if (read(done_r_, &nr, sizeof nr) != (ssize_t)sizeof nr) {
            nr = -1;
        }
        fail("the kernel made a forbidden system call %d (%s) on %s %d: kernels may only compute "
             "(no I/O, files, threads, processes, clocks or sleeping; malloc/free are fine)",
             nr, syscall_name(nr), what, call);
    }
    if (reply != 'd') {
        fail("protocol error on %s %d: unexpected reply byte 0x%02x from the kernel process", what, call,
             (unsigned char)reply);
    }
    return t1 - t0;
}

static void check_unchanged(const float *expected, const float *actual, const char *name, int call, const char *what)
{
    if (memcmp(expected, actual, elems_ * sizeof(float)) == 0) {
        return;
    }
    for (size_t i = 0; i < elems_; i++) {
        if (memcmp(&expected[i], &actual[i], sizeof(float)) != 0) {
            fail("input check failed on %s %d: the kernel wrote into its input %s at %s[%zu][%zu] (was %.9g, now %.9g); "
                 "a and b are read-only",
                 what, call, name, name, i / (size_t)n_, i % (size_t)n_, (double)expected[i], (double)actual[i]);
        }
    }
}

/* Exact-enough reference in double and, per element, sum_k |a_ik * b_kj| for the error bound. */
static void reference(const float *a, const float *b, double *ref, double *mag)
{
    int n = n_;
    memset(ref, 0, elems_ * sizeof(double));
    memset(mag, 0, elems_ * sizeof(double));
    for (int i = 0; i < n; i++) {
        double *r = ref + (size_t)i * n;
        double *m = mag + (size_t)i * n;
        for (int k = 0; k < n; k++) {
            double x = a[(size_t)i * n + k];
            double ax = fabs(x);
            const float *brow = b + (size_t)k * n;
            for (int j = 0; j < n; j++) {
                double y = brow[j];
                r[j] += x * y;
                m[j] += ax * fabs(y);
            }
        }
    }
}

/* Returns the largest error relative to sum_k |a_ik b_kj|; fails the run past the tolerance or on NaN/Inf. */
static double check_result(const float *c, const double *ref, const double *mag, double tolerance, int call,
                           const char *what)
{
    double worst = 0.0;
    size_t worst_at = 0;
    for (size_t i = 0; i < elems_; i++) {
        if (!isfinite(c[i])) {
            uint32_t bits;
            memcpy(&bits, &c[i], sizeof bits);
            fail("correctness check failed on %s %d: C[%zu][%zu] is %s%s", what, call, i / (size_t)n_, i % (size_t)n_,
                 isnan(c[i]) ? "NaN" : "infinite",
                 bits == POISON_BITS ? " (never written: the harness fills C with NaN before each call, so the kernel "
                                       "must write every element)"
                                     : "");
        }
        double err = fabs((double)c[i] - ref[i]) / (mag[i] > 0.0 ? mag[i] : 1e-300);
        if (err > worst) {
            worst = err;
            worst_at = i;
        }
    }
    if (worst > tolerance) {
        fail("correctness check failed on %s %d: max error %.3g (relative to sum_k |a_ik*b_kj|) at C[%zu][%zu]: "
             "got %.9g, expected %.9g; tolerance %.3g",
             what, call, worst, worst_at / (size_t)n_, worst_at % (size_t)n_, (double)c[worst_at], ref[worst_at],
             tolerance);
    }
    return worst;
}

static int compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench N --worker PATH [--results-fd FD] [--seed HEX] [--min-reps R] [--max-reps R] "
                    "[--target-seconds S] [--call-timeout S]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
    }
    int n = atoi(argv[1]);
    int min_reps = 5, max_reps = 40;
    double target_seconds = 1.0, call_timeout = 10.0;
    const char *seed_text = NULL;
    const char *worker_path = NULL;
    int results_fd = -1;
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) {
            usage();
        }
        if (strcmp(argv[i], "--worker") == 0) {
            worker_path = argv[++i];
        } else if (strcmp(argv[i], "--results-fd") == 0) {
            results_fd = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--seed") == 0) {
            seed_text = argv[++i];
        } else if (strcmp(argv[i], "--min-reps") == 0) {
            min_reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--max-reps") == 0) {
            max_reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--target-seconds") == 0) {
            target_seconds = atof(argv[++i]);
        } else if (strcmp(argv[i], "--call-timeout") == 0) {
            call_timeout = atof(argv[++i]);
        } else {
            usage();
        }
    }
    if (n < 1 || n > 4096 || min_reps < 1 || max_reps < min_reps || !(call_timeout > 0) || worker_path == NULL) {
        usage();
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    n_ = n;
    elems_ = (size_t)n * (size_t)n;

    /* Fork before the seed exists, so that nothing in the kernel's process can predict an input. */
    int matrix_fd = map_matrices();
    start_worker(worker_path, matrix_fd);
    close(matrix_fd);

    uint64_t seed;
    if (seed_text != NULL) {
        seed = strtoull(seed_text, NULL, 16);
    } else {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, &seed, sizeof seed) != (ssize_t)sizeof seed) {
            seed = (uint64_t)(now_seconds() * 1e9) ^ ((uint64_t)getpid() << 32);
        }
        if (fd >= 0) {
            close(fd);
        }
    }

    float *a = malloc(elems_ * sizeof(float));
    float *b = malloc(elems_ * sizeof(float));
    float *c = malloc(elems_ * sizeof(float));
    double *ref = malloc(elems_ * sizeof(double));
    double *mag = malloc(elems_ * sizeof(double));
    double *times = malloc((size_t)(max_reps + 1) * sizeof(double));
    if (!a || !b || !c || !ref || !mag || !times) {
        fail("out of memory for n=%d", n);
    }

    /* Any order of float multiply-adds is within gamma_n = n u / (1 - n u) of sum_k |a_ik b_kj| (u = 2^-24). */
    const double u = 0x1p-24;
    const double tolerance = (n + 1) * u / (1.0 - (n + 1) * u);
    const double flops = 2.0 * (double)n * (double)n * (double)n;
    printf("matmul-kernel: n=%d, seed %016" PRIx64 " (reproduce: MATMUL_SEED=%016" PRIx64 "), tolerance %.3g\n", n, seed,
           seed, tolerance);

    double max_error = 0.0;
    int reps = min_reps;
    int timed = 0;
    for (int call = 0; call <= reps; call++) {
        const char *what = call == 0 ? "check call" : "timed call";
        uint64_t state = seed ^ (0xA5A5A5A5A5A5A5A5ull * (uint64_t)(call + 1));
        fill_random(a, elems_, &state);
        fill_random(b, elems_, &state);
        double seconds = run_call(a, b, c, call, what, call_timeout);
        check_unchanged(a, shared_a_, "A", call, what);
        check_unchanged(b, shared_b_, "B", call, what);
        reference(a, b, ref, mag);
        double err = check_result(c, ref, mag, tolerance, call, what);
        if (err > max_error) {
            max_error = err;
        }
        printf("%s %d: %.6f s, %.3f GFLOP/s, max error %.2g: ok\n", what, call, seconds, flops / seconds * 1e-9, err);
        if (call == 0) {
            /* As many timed calls as fit in about target_seconds of kernel time, within [min_reps, max_reps]. */
            double wanted = seconds > 0 ? target_seconds / seconds : max_reps;
            reps = wanted > max_reps ? max_reps : wanted < min_reps ? min_reps : (int)wanted;
        } else {
            times[timed++] = seconds;
        }
    }

    char quit = 'q';
    if (write(cmd_w_, &quit, 1) != 1) {
        /* The worker is gone already; nothing more to learn from it. */
    }
    int status = 0;
    waitpid(worker_, &status, 0);
    worker_ = -1;
    char extra;
    if (read(done_r_, &extra, 1) > 0) {
        fail("protocol error: the kernel process sent more replies than calls");
    }

    qsort(times, (size_t)timed, sizeof(double), compare_doubles);
    double best = times[0];
    double median = timed % 2 ? times[timed / 2] : 0.5 * (times[timed / 2 - 1] + times[timed / 2]);
    printf("matmul-kernel: all %d calls correct; best of %d timed calls %.6f s, median %.6f s\n", timed + 1, timed, best,
           median);
    FILE *results = results_fd >= 0 ? fdopen(results_fd, "w") : stdout;
    if (results == NULL) {
        fail("cannot write the results to fd %d: %s", results_fd, strerror(errno));
    }
    fprintf(results, "n %d\n", n);
    fprintf(results, "seconds_best %.9f\n", best);
    fprintf(results, "gflops_median %.6f\n", flops / median * 1e-9);
    fprintf(results, "max_error %.6g\n", max_error);
    fprintf(results, "gflops %.6f\n", flops / best * 1e-9);
    if (fflush(results) != 0) {
        fail("cannot write the results: %s", strerror(errno));
    }
    return 0;
}
