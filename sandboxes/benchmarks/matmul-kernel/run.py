"""matmul-kernel driver and scorer -- NOT editable by experiments.

The only code whose output counts. It compiles the agent's kernel.c with the benchmark's fixed
flags plus its parameters and checks it, failing closed at every step:

  1. kernel.c, preprocessed: no constructor/destructor attribute.
  2. kernel.o, read by this script's own ELF reader (no text of another tool is parsed): every
     section on an allow-list of names and types (code, data, their relocations, bookkeeping);
     no constructor/destructor lists (.init_array, .fini_array, .preinit_array, .ctors, .dtors,
     whatever their name); exactly one global symbol, `matmul`, a plain function in a code
     section; no ifunc. Anything it cannot read is a rejection.
  3. The worker program (worker.c + kernel.o, linked statically) is compared with the same
     program linked with a trivial kernel: the same constructor/destructor lists (by symbol),
     no dynamic loader.

The kernel then runs in that worker, a separate process started by the checker (harness.c,
built alone: the kernel is never linked into the process that times and checks it), confined by
a seccomp filter from its first instruction, with no output. The checker draws fresh random
inputs, times every call and checks every result against a double-precision reference; it
hands its numbers to this script through a pipe of its own. This script prints the final
METRIC lines; nothing the kernel's process writes can reach the output.

Evaluation (env AR_EVAL): `tune` (default) times n=512; `holdout` times other sizes
(HOLDOUT_SIZES, not used while tuning) and scores their geometric mean.

Parameters (params.json / $AR_PARAMS_FILE): opt_level (O1|O2|O3|Ofast), block (int, passed as
-DBLOCK=<block>), march (portable|native). Build outputs go to a temporary folder under the
working directory, removed at the end. MATMUL_SEED=<hex> replays the inputs of an earlier run.

Exit codes: 0 scored; 1 the kernel failed (does not compile, breaks a rule, wrong result, crash,
too slow); 2 bad parameters, bad AR_EVAL or a broken harness.
"""

import json
import math
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

TUNE_SIZES = (512,)            # what tuning runs time: fixed, so every run is comparable
HOLDOUT_SIZES = (384, 509, 640)  # held-out evaluation only (AR_EVAL=holdout): other shapes, one not a power of two
EVAL_MODES = ("tune", "holdout")
CALL_TIMEOUT_S = 10       # one kernel call may take at most this long
RUN_TIMEOUT_S = 52        # the whole run, building included: ends before the benchmark's time limit (60 s) with a reason
COMPILE_TIMEOUT_S = 30    # each compiler call
PLAUSIBLE_MAX_GFLOPS = 1000.0  # one core cannot do more; past it the timing is broken, never a score

DEFAULTS = {"opt_level": "O2", "block": 64, "march": "portable"}
OPT_LEVELS = ("O1", "O2", "O3", "Ofast")
MARCHES = ("portable", "native")
BLOCK_RANGE = (1, 4096)

# ELF constants (only what the checks need).
SHT_NAMES = {0: "NULL", 1: "PROGBITS", 2: "SYMTAB", 3: "STRTAB", 4: "RELA", 5: "HASH", 6: "DYNAMIC", 7: "NOTE",
             8: "NOBITS", 9: "REL", 10: "SHLIB", 11: "DYNSYM", 14: "INIT_ARRAY", 15: "FINI_ARRAY",
             16: "PREINIT_ARRAY", 17: "GROUP", 18: "SYMTAB_SHNDX", 0x70000001: "X86_64_UNWIND"}
CONSTRUCTOR_TYPES = ("INIT_ARRAY", "FINI_ARRAY", "PREINIT_ARRAY")
CONSTRUCTOR_NAME = re.compile(r"\.(init_array|fini_array|preinit_array|ctors|dtors|init|fini)\b")
STB_NAMES = {0: "LOCAL", 1: "GLOBAL", 2: "WEAK", 10: "UNIQUE"}
STT_FUNC, STT_GNU_IFUNC = 2, 10
SHN_UNDEF, SHN_LORESERVE, SHN_COMMON = 0, 0xFF00, 0xFFF2

# Relocation types kernel.o may use. x86_64: the static ones a compiler emits for code and data (absolute, PC-relative,
# PLT/GOT, TLS, size); never the dynamic ones (COPY, GLOB_DAT, JUMP_SLOT, RELATIVE, IRELATIVE: an IRELATIVE relocation
# calls a resolver at start-up). aarch64: everything but the dynamic range.
EM_X86_64, EM_AARCH64 = 62, 183
X86_64_RELOCATIONS = {1: "64", 2: "PC32", 3: "GOT32", 4: "PLT32", 9: "GOTPCREL", 10: "32", 11: "32S", 12: "16",
                      13: "PC16", 14: "8", 15: "PC8", 19: "TLSGD", 20: "TLSLD", 21: "DTPOFF32", 22: "GOTTPOFF",
                      23: "TPOFF32", 24: "PC64", 25: "GOTOFF64", 26: "GOTPC32", 32: "SIZE32", 33: "SIZE64",
                      34: "GOTPC32_TLSDESC", 35: "TLSDESC_CALL", 41: "GOTPCRELX", 42: "REX_GOTPCRELX"}
AARCH64_DYNAMIC_RELOCATIONS = range(1024, 1033)

# What kernel.o may contain, by (name, type): code, data, their relocations and the usual bookkeeping. Anything else
# (constructors, destructors, .init/.fini, sections that would feed the dynamic linker, odd names) is refused.
SUFFIX = r"(\.[A-Za-z0-9_.]+)?"
ALLOWED_SECTIONS = [
    (r"\.text" + SUFFIX, ("PROGBITS",)),
    (r"\.(data|rodata|ldata|lrodata|tdata)" + SUFFIX, ("PROGBITS",)),
    (r"\.(bss|lbss|tbss)" + SUFFIX, ("NOBITS",)),
    (r"\.rela?\.(text|data|rodata|ldata|lrodata|tdata|eh_frame|debug_\w+)" + SUFFIX, ("RELA", "REL")),
    (r"\.eh_frame", ("PROGBITS", "X86_64_UNWIND")),
    (r"\.comment|\.note\.GNU-stack|\.debug_\w+", ("PROGBITS",)),
    (r"\.note\.gnu\.property", ("NOTE",)),
    (r"\.symtab", ("SYMTAB",)),
    (r"\.(strtab|shstrtab)", ("STRTAB",)),
]

# Compiled into the reference worker: the constructor/destructor lists the real worker must match.
STUB_KERNEL = "void matmul(int n, const float *a, const float *b, float *c) { (void)n; (void)a; (void)b; (void)c; }\n"


class KernelRejected(Exception):
    """The kernel (not the harness) is at fault: exit 1."""


class BadSetup(Exception):
    """Parameters, environment or harness are at fault: exit 2."""


def say(message):
    print(f"matmul-kernel: {message}", flush=True)


def load_params():
    params = dict(DEFAULTS)
    path = os.environ.get("AR_PARAMS_FILE", "params.json")
    if os.path.exists(path):
        with open(path) as f:
            params.update(json.load(f))
    opt = str(params["opt_level"])
    march = str(params["march"])
    try:
        block = float(params["block"])
    except (TypeError, ValueError):
        raise BadSetup(f"block={params['block']!r} is not a number")
    if opt not in OPT_LEVELS:
        raise BadSetup(f"opt_level={opt!r} is not one of {', '.join(OPT_LEVELS)}")
    if march not in MARCHES:
        raise BadSetup(f"march={march!r} is not one of {', '.join(MARCHES)}")
    if block != int(block) or not BLOCK_RANGE[0] <= block <= BLOCK_RANGE[1]:
        raise BadSetup(f"block={params['block']!r} is not a whole number in [{BLOCK_RANGE[0]}, {BLOCK_RANGE[1]}]")
    return {"opt_level": opt, "block": int(block), "march": march}


def load_eval_mode():
    mode = os.environ.get("AR_EVAL", "").strip() or "tune"
    if mode not in EVAL_MODES:
        raise BadSetup(f"AR_EVAL={mode!r} is not one of {', '.join(EVAL_MODES)}")
    return mode


def arch_flags(march):
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return ["-march=x86-64-v2", "-mtune=generic"] if march == "portable" else ["-march=native", "-mtune=native"]
    if machine in ("aarch64", "arm64"):
        return ["-march=armv8-a"] if march == "portable" else ["-mcpu=native"]
    return [] if march == "portable" else ["-march=native"]


def run_tool(argv, build_dir, timeout=COMPILE_TIMEOUT_S):
    env = dict(os.environ, TMPDIR=build_dir, LC_ALL="C")
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, f"{argv[0]} did not finish within {timeout} s"
    return done.returncode, done.stdout.decode("utf-8", "replace")


def show_lines(text, prefix, limit=200):
    """Output of another program, each line prefixed so that nothing in it can pass for a METRIC line."""
    lines = text.rstrip("\n").splitlines()
    for line in lines[:limit]:
        print(f"{prefix}{line}")
    if len(lines) > limit:
        print(f"{prefix}... {len(lines) - limit} more lines")
    sys.stdout.flush()
    return lines


def show_tool_output(text, limit=200):
    return show_lines(text, "cc| ", limit)


# ------------------------------------------------------------------------------------------------ ELF reading


class Elf:
    """A strict reader of little-endian ELF64 files: anything it does not understand raises ValueError."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if len(d) < 64 or d[:4] != b"\x7fELF":
            raise ValueError("not an ELF file")
        if d[4] != 2 or d[5] != 1:
            raise ValueError("not a little-endian 64-bit ELF file")
        (self.type, self.machine, _, _, self.phoff, self.shoff, _, _, self.phentsize, self.phnum, self.shentsize,
         self.shnum, self.shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", d, 16)
        if self.shentsize != 64 or self.shnum == 0 or self.shstrndx in (0, 0xFFFF) or self.shstrndx >= self.shnum:
            raise ValueError("unusual section header table (extended numbering or no names)")
        if self.shoff + self.shnum * 64 > len(d):
            raise ValueError("section header table past the end of the file")
        self.sections = []
        for i in range(self.shnum):
            name_off, stype, flags, addr, offset, size, link, info, _, entsize = struct.unpack_from(
                "<IIQQQQIIQQ", d, self.shoff + i * 64)
            self.sections.append({"index": i, "name_off": name_off, "type_id": stype,
                                  "type": SHT_NAMES.get(stype, f"0x{stype:x}"), "flags": flags, "addr": addr,
                                  "offset": offset, "size": size, "link": link, "info": info, "entsize": entsize})
        names = self.sections[self.shstrndx]
        for s in self.sections:
            if s["type"] != "NOBITS" and s["offset"] + s["size"] > len(d):
                raise ValueError(f"section {s['index']} runs past the end of the file")
            s["name"] = self.string(names, s["name_off"])

    def string(self, table, offset):
        if table["type"] != "STRTAB" or offset >= table["size"]:
            raise ValueError("string outside its table")
        start = table["offset"] + offset
        end = self.data.find(b"\0", start, table["offset"] + table["size"])
        if end < 0:
            raise ValueError("unterminated string")
        raw = self.data[start:end]
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def symbols(self):
        tables = [s for s in self.sections if s["type"] == "SYMTAB"]
        if len(tables) != 1:
            raise ValueError(f"{len(tables)} symbol tables (expected 1)")
        table = tables[0]
        if table["entsize"] != 24 or table["size"] % 24 or not 0 < table["link"] < len(self.sections):
            raise ValueError("unusual symbol table")
        strings = self.sections[table["link"]]
        result = []
        for i in range(1, table["size"] // 24):
            name_off, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, table["offset"] + i * 24)
            result.append({"name": self.string(strings, name_off), "bind": info >> 4, "type": info & 0xF,
                           "shndx": shndx, "value": value, "size": size})
        return result

    def relocations(self, section):
        """(type, symbol index) of each entry of a REL or RELA section."""
        size = 24 if section["type"] == "RELA" else 16
        if section["entsize"] != size or section["size"] % size:
            raise ValueError(f"unusual relocation section {section['name']!r}")
        result = []
        for at in range(section["offset"], section["offset"] + section["size"], size):
            info = struct.unpack_from("<Q", self.data, at + 8)[0]
            result.append((info & 0xFFFFFFFF, info >> 32))
        return result

    def program_header_types(self):
        if self.phnum and (self.phentsize != 56 or self.phoff + self.phnum * 56 > len(self.data)):
            raise ValueError("unusual program header table")
        return [struct.unpack_from("<I", self.data, self.phoff + i * 56)[0] for i in range(self.phnum)]

    def words(self, section):
        if section["type"] == "NOBITS" or section["size"] % 8:
            raise ValueError(f"section {section['name']} is not a list of pointers")
        return [struct.unpack_from("<Q", self.data, section["offset"] + i)[0] for i in range(0, section["size"], 8)]


def printable(name):
    return name if re.fullmatch(r"[\x21-\x7e]+", name or "") else repr(name)


# ------------------------------------------------------------------------------------------------ checks


def check_source(params, build_dir):
    """No constructor/destructor attribute in kernel.c, macros expanded (its own lines only, not the system headers')."""
    argv = ["gcc", "-std=gnu11", "-E", f"-{params['opt_level']}", *arch_flags(params["march"]),
            f"-DBLOCK={params['block']}", "kernel.c"]
    code, output = run_tool(argv, build_dir)
    if code != 0:
        raise KernelRejected("kernel.c cannot be preprocessed:\n" + "\n".join(f"cc| {l}" for l in output.splitlines()[-8:]))
    in_kernel = True
    for line in output.splitlines():
        marker = re.match(r'#\s*\d+\s+"([^"]*)"', line)
        if marker:
            in_kernel = marker.group(1) == "kernel.c"
            continue
        if in_kernel:
            found = re.search(r"\b(__)?(constructor|destructor|ifunc|target_clones)(__)?\b", line)
            if found:
                raise KernelRejected(
                    f"kernel.c uses `{found.group(0)}`: constructors, destructors and ifunc resolvers run code outside "
                    "matmul() and are not allowed")


def check_object(obj):
    """Fail closed: every section on the allow-list, no constructor lists, exactly one global symbol `matmul`."""
    try:
        elf = Elf(obj)
        if elf.type != 1:
            raise ValueError(f"ELF type {elf.type} (expected a relocatable object)")
        symbols = elf.symbols()
    except ValueError as e:
        raise KernelRejected(f"kernel.o could not be read with certainty ({e}); it is refused")

    constructors, others = [], []
    for s in elf.sections[1:]:
        name, kind = s["name"], s["type"]
        if kind in CONSTRUCTOR_TYPES or CONSTRUCTOR_NAME.search(name):
            constructors.append(f"section {printable(name)} ({kind})")
        elif not any(re.fullmatch(pattern, name) and kind in kinds for pattern, kinds in ALLOWED_SECTIONS):
            others.append(f"section {printable(name)} ({kind})")
    if elf.sections[0]["type"] != "NULL":
        others.append("a first section that is not empty")
    for s in elf.sections[1:]:
        if s["type"] in ("RELA", "REL"):
            try:
                kinds = {kind for kind, _ in elf.relocations(s)}
            except ValueError as e:
                raise KernelRejected(f"kernel.o could not be read with certainty ({e}); it is refused")
            if elf.machine == EM_X86_64:
                bad = sorted(k for k in kinds if k not in X86_64_RELOCATIONS)
            elif elf.machine == EM_AARCH64:
                bad = sorted(k for k in kinds if k in AARCH64_DYNAMIC_RELOCATIONS)
            else:
                raise BadSetup(f"no relocation check for ELF machine {elf.machine}")
            if bad:
                named = ", ".join("IRELATIVE (calls a resolver at start-up)" if k in (37, 1032) else f"type {k}" for k in bad)
                constructors.append(f"relocations in {printable(s['name'])} of a dynamic kind: {named}")
    if constructors:
        raise KernelRejected(
            "kernel.o has a constructor/destructor list or start-up code: " + ", ".join(constructors)
            + "; no code may run outside matmul() (no constructors, destructors or .init/.fini code)")
    found_matmul = False
    offenders = []
    for sym in symbols:
        name = printable(sym["name"])
        if sym["type"] == STT_GNU_IFUNC:
            offenders.append(f"{name} (an ifunc: its resolver would run before matmul())")
            continue
        if sym["bind"] == 0 or sym["shndx"] == SHN_UNDEF:
            continue
        section = printable(elf.sections[sym["shndx"]]["name"]) if sym["shndx"] < min(SHN_LORESERVE, len(elf.sections)) else None
        if (sym["name"] == "matmul" and sym["bind"] == 1 and sym["type"] == STT_FUNC and section is not None
                and re.fullmatch(r"\.text" + SUFFIX, section)):
            found_matmul = True
        elif sym["name"] == "matmul":
            offenders.append(f"matmul as something other than a plain function in a code section "
                             f"({STB_NAMES.get(sym['bind'], sym['bind'])}, type {sym['type']}, section {section})")
        else:
            where = "common" if sym["shndx"] == SHN_COMMON else section
            offenders.append(f"{name} ({STB_NAMES.get(sym['bind'], sym['bind'])} in {where})")
    if offenders:
        raise KernelRejected(
            "kernel.c must define exactly one global symbol, matmul, as a plain function; it defines "
            + ", ".join(offenders)
            + " -- make helpers, tables and buffers `static` (and do not redefine library functions)")
    if not found_matmul:
        raise KernelRejected(
            "kernel.c does not define the function `void matmul(int n, const float *restrict a, "
            "const float *restrict b, float *restrict c)` as a plain global function")
    if others:
        raise KernelRejected(
            "kernel.o has " + ", ".join(others) + "; only code and data sections (with the allowed names "
            ".text*, .data*, .rodata*, .bss*, ...) are allowed")


def constructor_lists(exe):
    """The linked program's constructor/destructor lists, each entry named by its symbol; raises ValueError if unreadable."""
    elf = Elf(exe)
    if elf.type != 2:
        raise ValueError(f"ELF type {elf.type} (expected a static executable)")
    if any(t in (2, 3) for t in elf.program_header_types()):
        raise ValueError("it has a dynamic section or an interpreter (expected a static program)")
    names = {}
    for sym in sorted(elf.symbols(), key=lambda s: s["type"] != STT_FUNC):  # functions' names first
        if sym["shndx"] != SHN_UNDEF and sym["name"]:
            names.setdefault(sym["value"], sym["name"])
    lists = {}
    for s in elf.sections[1:]:
        if s["type"] in CONSTRUCTOR_TYPES or CONSTRUCTOR_NAME.search(s["name"]):
            if s["type"] in ("PROGBITS", "NOBITS") and s["name"] in (".init", ".fini"):
                lists[s["name"]] = [f"{s['size']} bytes"]  # the C library's own .init/.fini code, compared by size
                continue
            lists[s["name"]] = [names.get(word, f"0x{word:x}") for word in elf.words(s)]
    return lists


def verify_linked(worker, reference):
    try:
        expected = constructor_lists(reference)
    except ValueError as e:
        raise BadSetup(f"cannot read the reference worker program: {e}")
    try:
        actual = constructor_lists(worker)
    except ValueError as e:
        raise KernelRejected(f"the worker program linked with kernel.o could not be read with certainty ({e}); it is refused")
    if actual != expected:
        extra = []
        for name in sorted(set(actual) | set(expected)):
            if actual.get(name) != expected.get(name):
                extra.append(f"{printable(name)}: {actual.get(name, [])} where the harness alone has {expected.get(name, [])}")
        raise KernelRejected(
            "linked with kernel.o, the worker's constructor/destructor lists differ from the harness's own ("
            + "; ".join(extra) + "); no code may run outside matmul()")


# ------------------------------------------------------------------------------------------------ building


def compile_kernel(params, build_dir):
    obj = os.path.join(build_dir, "kernel.o")
    argv = ["gcc", "-std=gnu11", "-pipe", f"-{params['opt_level']}", *arch_flags(params["march"]),
            f"-DBLOCK={params['block']}", "-Wall", "-c", "kernel.c", "-o", obj]
    say(" ".join(argv))
    code, output = run_tool(argv, build_dir)
    lines = show_tool_output(output)
    if code != 0:
        errors = [line for line in lines if "error" in line] or lines[-10:]
        summary = "\n".join(f"cc| {line}" for line in errors[:8])
        raise KernelRejected(f"kernel.c does not compile (gcc exit {code}); first errors:\n{summary}")
    return obj


def build_trusted(build_dir):
    """The checker (harness.c alone), worker.o and the reference worker (worker.o + a trivial kernel)."""
    checker = os.path.join(build_dir, "bench")
    worker_obj = os.path.join(build_dir, "worker.o")
    stub_src = os.path.join(build_dir, "stub.c")
    reference = os.path.join(build_dir, "worker-reference")
    with open(stub_src, "w") as f:
        f.write(STUB_KERNEL)
    steps = [
        ("harness.c", ["gcc", "-std=gnu11", "-pipe", "-O3", *arch_flags("portable"), "-Wall", "-o", checker, "harness.c", "-lm"]),
        ("worker.c", ["gcc", "-std=gnu11", "-pipe", "-O2", *arch_flags("portable"), "-Wall", "-c", "worker.c", "-o", worker_obj]),
        ("the reference worker", ["gcc", "-std=gnu11", "-pipe", "-O2", "-static", "-no-pie", "-o", reference, worker_obj, stub_src, "-lm"]),
    ]
    for what, argv in steps:
        code, output = run_tool(argv, build_dir)
        if code != 0:
            show_tool_output(output)
            raise BadSetup(f"{what} does not build (gcc exit {code})")
    return checker, worker_obj, reference


def link_worker(worker_obj, kernel_obj, build_dir):
    exe = os.path.join(build_dir, "worker")
    code, output = run_tool(["gcc", "-pipe", "-static", "-no-pie", "-o", exe, worker_obj, kernel_obj, "-lm"], build_dir)
    lines = show_tool_output(output)
    if code != 0:
        summary = "\n".join(f"cc| {line}" for line in lines[-8:])
        raise KernelRejected(f"kernel.o does not link with the worker (gcc exit {code}):\n{summary}")
    return exe


# ------------------------------------------------------------------------------------------------ measuring

RESULT_KEYS = ("n", "seconds_best", "gflops_median", "max_error", "gflops")


CHECKER_FAILED = "matmul-kernel: FAILED: "


def measure(checker, worker, n, seed, deadline, target_seconds, min_reps, sizes_in_run=(512,)):
    """Runs the checker once at size n; returns its results (read from its own pipe, never from the output)."""
    remaining = deadline - time.time()
    if remaining < 1:
        raise KernelRejected(f"the run did not finish within {RUN_TIMEOUT_S} s, building included (the kernel is too slow)")
    read_fd, write_fd = os.pipe()
    argv = [checker, str(n), "--worker", worker, "--results-fd", str(write_fd), "--call-timeout", str(CALL_TIMEOUT_S),
            "--target-seconds", str(target_seconds), "--min-reps", str(min_reps)]
    if seed:
        argv += ["--seed", seed]
    try:
        try:
            done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(write_fd,),
                                  timeout=remaining)
        except subprocess.TimeoutExpired as e:
            show_lines((e.stdout or b"").decode("utf-8", "replace"), "")
            raise KernelRejected(f"the run did not finish within {RUN_TIMEOUT_S} s, building included (the kernel is too slow)")
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as f:
            results_text = f.read(65536).decode("ascii", "replace")
    except BaseException:
        try:
            os.close(read_fd)
        except OSError:
            pass
        raise
    # The checker's progress and failure lines, as written (it is trusted), with any line that would look like a METRIC
    # line neutralised: only this script reports results.
    failure = None
    for line in done.stdout.decode("utf-8", "replace").splitlines()[:400]:
        if line.startswith(CHECKER_FAILED) and failure is None:
            failure = line[len(CHECKER_FAILED):]  # repeated as this script's own reason below
            continue
        print(f"h| {line}" if line.lstrip().startswith("METRIC") else line)
    sys.stdout.flush()
    where = "" if len(sizes_in_run) == 1 else f"at n={n}: "
    if done.returncode < 0:
        raise KernelRejected(f"{where}the checker was killed by signal {-done.returncode} (out of memory?)")
    if done.returncode == 1:
        raise KernelRejected(where + (failure or "the checker failed without saying why"))
    if done.returncode != 0:
        raise BadSetup(f"the checker exited with status {done.returncode} at n={n}")
    results = {}
    for line in results_text.splitlines():
        parts = line.split()
        if len(parts) != 2 or parts[0] not in RESULT_KEYS or parts[0] in results:
            raise BadSetup(f"the checker's results are malformed: {line!r}")
        value = float(parts[1])
        if not math.isfinite(value) or value < 0:
            raise BadSetup(f"the checker reported {parts[0]}={parts[1]}")
        results[parts[0]] = value
    if set(results) != set(RESULT_KEYS) or results["n"] != n or results["gflops"] <= 0:
        raise BadSetup(f"the checker's results are incomplete: {results_text!r}")
    if results["gflops"] > PLAUSIBLE_MAX_GFLOPS:
        raise KernelRejected(
            f"{results['gflops']:.1f} GFLOP/s at n={n} is more than one core can do ({PLAUSIBLE_MAX_GFLOPS:.0f}); refused")
    return results


def main():
    started = time.time()
    params = load_params()
    mode = load_eval_mode()
    sizes = HOLDOUT_SIZES if mode == "holdout" else TUNE_SIZES
    seed = os.environ.get("MATMUL_SEED", "").strip()
    if seed and not re.fullmatch(r"[0-9a-fA-F]{1,16}", seed):
        raise BadSetup(f"MATMUL_SEED={seed!r} is not a hexadecimal number")
    if os.path.exists("result.json"):
        os.remove("result.json")
    build_dir = tempfile.mkdtemp(prefix=".matmul-build-", dir=os.getcwd())
    try:
        code, version = run_tool(["gcc", "--version"], build_dir)
        say(f"{version.splitlines()[0] if code == 0 and version else 'gcc not found'}; params {json.dumps(params, sort_keys=True)}; "
            f"evaluation {mode} (n={', '.join(map(str, sizes))})")
        if code != 0:
            raise BadSetup("no C compiler (gcc) in this image")
        checker, worker_obj, reference = build_trusted(build_dir)
        kernel_obj = compile_kernel(params, build_dir)
        check_object(kernel_obj)
        check_source(params, build_dir)
        worker = link_worker(worker_obj, kernel_obj, build_dir)
        verify_linked(worker, reference)
        say(f"built and checked in {time.time() - started:.1f} s; checking and timing matmul at n={', '.join(map(str, sizes))}")

        deadline = started + RUN_TIMEOUT_S
        # Tuning: about 1 s of timed calls (at least 5); held-out: about 0.5 s per size (at least 3), to fit the time limit.
        target, min_reps = (1.0, 5) if mode == "tune" else (0.5, 3)
        per_size = [measure(checker, worker, n, seed, deadline, target, min_reps, sizes) for n in sizes]
        if os.path.exists("result.json"):
            os.remove("result.json")
            raise KernelRejected("result.json appeared during the run; only run.py reports results")
        say(f"done in {time.time() - started:.1f} s")
        # The only METRIC lines of the run, and the objective (gflops) last.
        if mode == "tune":
            r = per_size[0]
            print(f"METRIC seconds_best={r['seconds_best']:.9f}")
            print(f"METRIC gflops_median={r['gflops_median']:.6f}")
            print(f"METRIC max_error={r['max_error']:.6g}")
            print(f"METRIC gflops={r['gflops']:.6f}")
        else:
            for r in per_size:
                print(f"METRIC gflops_n{int(r['n'])}={r['gflops']:.6f}")
            print(f"METRIC max_error={max(r['max_error'] for r in per_size):.6g}")
            geomean = math.exp(sum(math.log(r["gflops"]) for r in per_size) / len(per_size))
            print(f"METRIC gflops={geomean:.6f}")
        sys.stdout.flush()
        return 0
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KernelRejected as e:
        say(f"FAILED: {e}")
        sys.exit(1)
    except BadSetup as e:
        say(f"ERROR: {e}")
        sys.exit(2)
