"""matmul-kernel driver -- NOT editable by experiments.

Compiles the agent's kernel.c with the benchmark's fixed flags plus its parameters, checks the
object file (exactly one global symbol, `matmul`; no constructors), links it with the scoring
harness (harness.c, built with fixed flags of its own) and runs the harness, which checks the
kernel on fresh random inputs, times it and prints `METRIC gflops=...`.

Parameters (params.json / $AR_PARAMS_FILE): opt_level (O1|O2|O3|Ofast), block (int, passed as
-DBLOCK=<block>), march (portable|native). Build outputs go to a temporary folder under the
working directory, removed at the end. MATMUL_SEED=<hex> replays the inputs of an earlier run.

Exit codes: 0 scored; 1 the kernel failed (does not compile, breaks a rule, wrong result, crash,
too slow); 2 bad parameters or a broken harness.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

N = 512                   # matrix size: fixed, so every run is comparable
CALL_TIMEOUT_S = 10       # one kernel call may take at most this long
RUN_TIMEOUT_S = 45        # the harness as a whole (the benchmark's time limit is 60 s)
COMPILE_TIMEOUT_S = 30    # each compiler, nm or readelf call

DEFAULTS = {"opt_level": "O2", "block": 64, "march": "portable"}
OPT_LEVELS = ("O1", "O2", "O3", "Ofast")
MARCHES = ("portable", "native")
BLOCK_RANGE = (1, 4096)

# What kernel.o may contain: code, data, their relocations, and the usual bookkeeping. Anything
# else (constructors, destructors, .init/.fini, sections that would feed the dynamic linker) is
# refused, so none of the kernel's code can run in the scoring process.
ALLOWED_SECTIONS = [
    (r"", ("NULL",)),
    (r"\.text(\..*)?", ("PROGBITS",)),
    (r"\.(data|rodata|ldata|lrodata|tdata)(\..*)?", ("PROGBITS",)),
    (r"\.(bss|lbss|tbss)(\..*)?", ("NOBITS",)),
    (r"\.rela?\.(text|data|rodata|ldata|lrodata|tdata|eh_frame|debug_\w+)(\..*)?", ("RELA", "REL")),
    (r"\.eh_frame", ("PROGBITS", "X86_64_UNWIND")),
    (r"\.comment|\.note\.GNU-stack|\.debug_\w+", ("PROGBITS",)),
    (r"\.note\.gnu\.property", ("NOTE",)),
    (r"\.symtab", ("SYMTAB",)),
    (r"\.(strtab|shstrtab)", ("STRTAB",)),
]


class KernelRejected(Exception):
    """The kernel (not the harness) is at fault: exit 1."""


class BadSetup(Exception):
    """Parameters or harness are at fault: exit 2."""


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


def show_tool_output(text, limit=200):
    """Compiler output, each line prefixed so that nothing in it can pass for a METRIC line."""
    lines = text.rstrip("\n").splitlines()
    for line in lines[:limit]:
        print(f"cc| {line}")
    if len(lines) > limit:
        print(f"cc| ... {len(lines) - limit} more lines")
    sys.stdout.flush()
    return lines


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


def check_symbols(obj, build_dir):
    """Exactly one global definition, `matmul` in .text: nothing the harness links against can be replaced."""
    code, output = run_tool(["nm", "-P", "--defined-only", obj], build_dir)
    if code != 0:
        raise BadSetup(f"nm failed on kernel.o: {output.strip()}")
    found_matmul = False
    offenders = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if name == "matmul" and kind == "T":
            found_matmul = True
        elif name == "matmul":
            offenders.append(f"matmul as something other than a plain function (nm type {kind})")
        elif kind.isupper() or kind in ("i", "u", "v", "w"):
            offenders.append(f"{name} ({kind})")
    if offenders:
        raise KernelRejected(
            "kernel.c must define exactly one global symbol, matmul, as a plain function; it defines "
            + ", ".join(offenders)
            + " -- make helpers, tables and buffers `static` (and do not redefine library functions)")
    if not found_matmul:
        raise KernelRejected(
            "kernel.c does not define the function `void matmul(int n, const float *restrict a, "
            "const float *restrict b, float *restrict c)` as a plain global function")


def check_sections(obj, build_dir):
    """Only code, data and bookkeeping sections: no code may run outside matmul() (constructors, .init, ...)."""
    code, output = run_tool(["readelf", "-S", "-W", obj], build_dir)
    if code != 0:
        raise BadSetup(f"readelf failed on kernel.o: {output.strip()}")
    seen = 0
    for line in output.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S*)\s+(\S+)\s+[0-9a-f]{8,}", line)
        if not m:
            continue
        seen += 1
        name, kind = m.group(1), m.group(2)
        if not any(re.fullmatch(pattern, name) and kind in kinds for pattern, kinds in ALLOWED_SECTIONS):
            raise KernelRejected(
                f"kernel.o has a section {name} ({kind}); only code and data sections are allowed "
                "(no constructors, destructors or other code that runs outside matmul())")
    if seen == 0:
        raise BadSetup(f"could not read the section table of kernel.o:\n{output}")


def build_harness(build_dir):
    obj = os.path.join(build_dir, "harness.o")
    argv = ["gcc", "-std=gnu11", "-pipe", "-O3", *arch_flags("portable"), "-Wall", "-c", "harness.c", "-o", obj]
    code, output = run_tool(argv, build_dir)
    if code != 0:
        show_tool_output(output)
        raise BadSetup(f"harness.c does not compile (gcc exit {code})")
    return obj


def link(harness_obj, kernel_obj, build_dir):
    exe = os.path.join(build_dir, "bench")
    code, output = run_tool(["gcc", "-pipe", "-o", exe, harness_obj, kernel_obj, "-lm"], build_dir)
    lines = show_tool_output(output)
    if code != 0:
        summary = "\n".join(f"cc| {line}" for line in lines[-8:])
        raise KernelRejected(f"kernel.o does not link with the harness (gcc exit {code}):\n{summary}")
    return exe


def main():
    started = time.time()
    params = load_params()
    if os.path.exists("result.json"):
        os.remove("result.json")
    build_dir = tempfile.mkdtemp(prefix=".matmul-build-", dir=os.getcwd())
    try:
        code, version = run_tool(["gcc", "--version"], build_dir)
        say(f"{version.splitlines()[0] if code == 0 and version else 'gcc not found'}; params {json.dumps(params, sort_keys=True)}")
        if code != 0:
            raise BadSetup("no C compiler (gcc) in this image")
        harness_obj = build_harness(build_dir)
        kernel_obj = compile_kernel(params, build_dir)
        check_symbols(kernel_obj, build_dir)
        check_sections(kernel_obj, build_dir)
        exe = link(harness_obj, kernel_obj, build_dir)
        say(f"built in {time.time() - started:.1f} s; checking and timing matmul at n={N}")

        argv = [exe, str(N), "--call-timeout", str(CALL_TIMEOUT_S)]
        seed = os.environ.get("MATMUL_SEED", "").strip()
        if seed:
            if not re.fullmatch(r"[0-9a-fA-F]{1,16}", seed):
                raise BadSetup(f"MATMUL_SEED={seed!r} is not a hexadecimal number")
            argv += ["--seed", seed]
        try:
            code = subprocess.run(argv, timeout=RUN_TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            raise KernelRejected(f"the harness did not finish within {RUN_TIMEOUT_S} s (the kernel is too slow)")
        if code < 0:
            raise KernelRejected(f"the harness was killed by signal {-code} (out of memory?)")
        if code != 0:
            return code
        if os.path.exists("result.json"):
            os.remove("result.json")
            raise KernelRejected("result.json appeared during the run; only the harness reports results")
        say(f"done in {time.time() - started:.1f} s")
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
