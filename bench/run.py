#!/usr/bin/env python3
"""Benchmark of `checkgen render` (Markdown -> PDF) against pandoc + typst on the same content.

Run from the repository root:  python3 bench/run.py [--runs N] [--binary PATH]
Prints a Markdown report (machine, inputs, table, targets) on stdout; progress goes to stderr.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
LUA_FILTER = BENCH / "br.lua"
FONT_FAMILY = "Noto Sans SC"
FONT_NPM_PACKAGE = "@expo-google-fonts/noto-sans-sc"
FONT_CACHE = Path(tempfile.gettempdir()) / "checkgen-bench-fonts"

# Prepended to pandoc's typst output (pandoc without -s emits only the body).
#  - A4 and the CJK font, as the brief says;
#  - pandoc wraps every table in #figure, and figures never break across pages: without the
#    show rule a long table runs off the bottom of the page and its rows are lost;
#  - #horizontalrule is defined by pandoc's standalone template, which we do not use.
#  - landscape (flipped) where `checkgen render` would use it, so both lay out the same page.
def typst_preamble(landscape: bool) -> str:
    flipped = ", flipped: true" if landscape else ""
    return f"""#set page(paper: "a4"{flipped})
#set text(font: "{FONT_FAMILY}", lang: "zh")
#show figure: set block(breakable: true)
#let horizontalrule = line(start: (25%,0%), end: (75%,0%))

"""

TYPST_COMPILE = (
    "import sys, typst; "
    "typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], ignore_system_fonts=True)"
)
TYPST_WARNINGS = (
    "import sys, typst; "
    "_, ws = typst.compile_with_warnings(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], "
    "ignore_system_fonts=True); "
    "[print(getattr(w, 'message', w)) for w in ws]"
)


class BenchError(Exception):
    """A problem reported as a plain message, without a traceback."""


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Tools


def need(condition: bool, what: str, install: str) -> None:
    if not condition:
        raise BenchError(f"{what} is missing: {install}")


def find_pandoc() -> str:
    try:
        import pypandoc  # type: ignore

        path = pypandoc.get_pandoc_path()
        if path and Path(path).exists():
            return str(path)
    except Exception:  # noqa: BLE001 - pypandoc absent or without a binary
        pass
    path = shutil.which("pandoc")
    need(path is not None, "pandoc", "`pip install pypandoc_binary` (ships a pandoc binary)")
    return str(path)


def check_tools(args) -> dict:
    tools = {}
    try:
        import typst  # type: ignore  # noqa: F401
    except ImportError:
        need(False, "the Python package `typst`", "`pip install typst`")
    tools["typst"] = getattr(sys.modules["typst"], "__version__", "?")
    pandoc = find_pandoc()
    out = subprocess.run([pandoc, "--version"], capture_output=True, text=True)
    tools["pandoc_path"] = pandoc
    tools["pandoc"] = out.stdout.split("\n")[0].split()[-1] if out.returncode == 0 else "?"
    formats = subprocess.run([pandoc, "--list-output-formats"], capture_output=True, text=True).stdout
    need("typst" in formats.split(), f"a pandoc with a typst writer (found {tools['pandoc']})",
         "`pip install -U pypandoc_binary` (pandoc >= 3.1.2)")
    if args.binary is None:
        need(shutil.which("cargo") is not None, "cargo",
             "a Rust toolchain (https://rustup.rs), or pass --binary PATH")
    tools["pdfinfo"] = shutil.which("pdfinfo")
    return tools


def build_binary() -> Path:
    log("cargo build --release" + (f" (CARGO_TARGET_DIR={os.environ['CARGO_TARGET_DIR']})"
                                   if os.environ.get("CARGO_TARGET_DIR") else ""))
    proc = subprocess.run(
        ["cargo", "build", "--release", "--bin", "checkgen", "--message-format=json-render-diagnostics"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    if proc.returncode != 0:
        raise BenchError("`cargo build --release` failed (see the compiler output above)")
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg.get("target", {}).get("name") == "checkgen":
            return Path(msg["executable"])
    raise BenchError("`cargo build --release` did not report the checkgen executable")


def has_render(binary: Path) -> bool:
    proc = subprocess.run([str(binary), "render", "--help"], capture_output=True)
    return proc.returncode == 0


# --------------------------------------------------------------------------------------------
# Fonts


def typst_families(font_dir: Path) -> list[str]:
    import typst  # type: ignore

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=[str(font_dir)])
    return list(fonts.families())


def find_fonts(args) -> tuple[Path, str]:
    if args.fonts:
        d = Path(args.fonts)
        if FONT_FAMILY not in typst_families(d):
            raise BenchError(f"--fonts {d}: no '{FONT_FAMILY}' font in it")
        return d, f"{d} (--fonts)"
    shipped = REPO / "assets" / "fonts"
    if shipped.is_dir() and FONT_FAMILY in typst_families(shipped):
        return shipped, "assets/fonts/ (the fonts the project ships)"
    if not (FONT_CACHE.is_dir() and FONT_FAMILY in typst_families(FONT_CACHE)):
        npm = shutil.which("npm")
        need(npm is not None, f"the '{FONT_FAMILY}' font (no assets/fonts/ yet)",
             f"install npm (to fetch `{FONT_NPM_PACKAGE}`), or pass --fonts DIR")
        log(f"fetching {FONT_NPM_PACKAGE} into {FONT_CACHE}")
        FONT_CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([npm, "pack", FONT_NPM_PACKAGE, "--silent"], cwd=tmp,
                                  capture_output=True, text=True)
            tgz = list(Path(tmp).glob("*.tgz"))
            if proc.returncode != 0 or not tgz:
                raise BenchError(f"`npm pack {FONT_NPM_PACKAGE}` failed: {proc.stderr.strip()}")
            with tarfile.open(tgz[0]) as tar:
                for member in tar.getmembers():
                    name = Path(member.name).name
                    if name in ("NotoSansSC_400Regular.ttf", "NotoSansSC_700Bold.ttf"):
                        member.name = name
                        tar.extract(member, FONT_CACHE)
        if FONT_FAMILY not in typst_families(FONT_CACHE):
            raise BenchError(f"{FONT_NPM_PACKAGE} did not provide '{FONT_FAMILY}'")
    return FONT_CACHE, f"{FONT_CACHE} (npm {FONT_NPM_PACKAGE}, Regular + Bold; no assets/fonts/ yet)"


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass
class MdStats:
    tables: int = 0
    rows: int = 0  # body rows of every table (header and delimiter rows not counted)
    item_rows: int = 0  # body rows of the item tables (first header cell 序号)
    brs: int = 0
    max_columns: int = 0


def md_stats(text: str) -> MdStats:
    stats = MdStats(brs=text.count("<br>"))
    block: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and re.match(r"^\|[\s:|-]+\|?\s*$", block[1]):
            body = len(block) - 2
            stats.tables += 1
            stats.rows += body
            stats.max_columns = max(stats.max_columns, block[0].strip().strip("|").count("|") + 1)
            if block[0].strip("| ").startswith("序号"):
                stats.item_rows += body
        block = []
    return stats


@dataclass
class Input:
    key: str
    path: Path
    command: str
    stats: MdStats
    note: str = ""


def run_checked(cmd: list[str], what: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    return proc.stdout


def make_inputs(binary: Path, work: Path, args) -> list[Input]:
    b = str(binary)
    all_dir = work / "all"
    log("checkgen generate --all --format md")
    run_checked([b, "generate", "--all", "--format", "md", "--out", str(all_dir)], "checkgen generate --all")
    # One inspection form per (sector, authority): telecom-regulator-public_security.md.
    regs = sorted(all_dir.glob("*-regulator*.md"))
    if not regs:
        raise BenchError(f"`checkgen generate --all` wrote no *-regulator*.md into {all_dir}")
    scored = [(md_stats(p.read_text()), p) for p in regs]
    stats, reg = max(scored, key=lambda sp: (sp[0].rows, sp[1].stat().st_size, sp[1].name))
    inputs = [Input("regulator", reg, f"`checkgen generate --all --format md` → `{reg.name}` "
                    "(the regulator form with the most table rows)", stats)]

    # The "10-page checklist with ~60 table rows": the enterprise form closest to the target
    # number of item rows, among every single sector and every pair of sectors.
    ent_dir = work / "enterprise"
    if args.enterprise_sectors:
        combos = [args.enterprise_sectors]
    else:
        ids = [s["id"] for s in json.loads(run_checked([b, "sectors", "--format", "json"], "checkgen sectors"))["sectors"]]
        combos = ids + [f"{a},{c}" for i, a in enumerate(ids) for c in ids[i + 1:]]
        log(f"choosing the enterprise form closest to {args.target_rows} item rows "
            f"among {len(combos)} sector combinations")
    best = None
    for combo in combos:
        out = ent_dir / combo.replace(",", "+")
        run_checked([b, "generate", "--sector", combo, "--audience", "enterprise", "--format", "md",
                     "--out", str(out)], f"checkgen generate --sector {combo}")
        mds = list(out.glob("*.md"))
        if len(mds) != 1:
            raise BenchError(f"`checkgen generate --sector {combo}` wrote {len(mds)} Markdown files")
        st = md_stats(mds[0].read_text())
        # A form of a handful of items (the classified-systems form has four) is no checklist
        # of the size meant: it counts only when nothing comes within half the target.
        too_small = st.item_rows < args.target_rows / 2
        score = (too_small, abs(st.item_rows - args.target_rows), combo.count(","), combo)
        if best is None or score < best[0]:
            best = (score, combo, mds[0], st)
    _, combo, ent, st = best
    # Every form ends with an appendix quoting the source clauses in full (from the
    # `<!-- pagebreak -->` marker on), which makes even a 60-row form 30+ pages; the checklist
    # is the form without it.
    text = ent.read_text()
    cut = text.find("<!-- pagebreak -->")
    if cut <= 0:
        raise BenchError(f"{ent} has no `<!-- pagebreak -->` before its appendix")
    checklist = ent.with_name(ent.stem + "-checklist.md")
    checklist.write_text(text[:cut])
    inputs.append(Input("checklist", checklist,
                        f"`checkgen generate --sector {combo} --audience enterprise --format md` → "
                        f"`{ent.name}` (" + ("--enterprise-sectors" if args.enterprise_sectors
                                                 else f"closest to {args.target_rows} item rows")
                        + "), up to its appendix: the self-assessment checklist without the "
                        "quoted clauses", md_stats(text[:cut])))
    return inputs


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Measure:
    times_ms: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def time(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def rss_mib(self) -> float:
        return statistics.median(self.rss_kib) / 1024


def run_once(cmd: list[str], log_path: Path) -> tuple[float, int, float]:
    """Runs cmd as a whole process; returns (wall ms, ru_maxrss KiB, CPU ms) from wait4's rusage.

    posix_spawn (vfork + exec) keeps the harness's own share of the wall time small and equal
    for every tool. Its ru_maxrss is not the tool's alone: Linux carries the high-water mark of
    the address space the child was spawned from (this script's) across the exec, so peak RSS
    is measured separately (`peak_rss`)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = (time.perf_counter() - t0) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        text = log_path.read_text(errors="replace").strip()
        raise BenchError(f"exit {code}: {' '.join(cmd)}\n{text[-3000:]}")
    return elapsed, usage.ru_maxrss, (usage.ru_utime + usage.ru_stime) * 1000  # Linux: KiB


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def peak_rss(cmd: list[str], log_path: Path) -> int | None:
    """The tool's own peak RSS in KiB, from GNU time (`%M`), which forks the tool from a small
    process of its own; None without /usr/bin/time (Debian package `time`)."""
    if not GNU_TIME:
        return None
    report = log_path.with_suffix(".rss")
    with open(log_path, "wb") as out:
        code = subprocess.call([GNU_TIME, "-f", "%M", "-o", str(report), *cmd],
                               stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    if code != 0:
        raise BenchError(f"exit {code}: {' '.join(cmd)}")
    return int(report.read_text().split()[-1])


def measure_interleaved(jobs: dict, runs: int, warmup: int, key: str) -> dict:
    """Runs each job (name -> (cmd, log)) warmup + runs times, taking turns; returns name -> Measure.

    The turns go forth and back (A B C D, D C B A, A B C D, ...): in one fixed order, the first
    tool of a round always ran right after the last of the round before, and a few-millisecond
    process started right after typst (100 MB freed) was measured 8-10 % slower than the same
    binary started after another small one. Going back and forth, the two checkgen binaries
    (first in the table) follow each other, and each of them runs first as often as second."""
    for _ in range(warmup):
        for cmd, log_path in jobs.values():
            run_once(cmd, log_path)
    result = {name: Measure() for name in jobs}
    for turn in range(runs):
        order = list(jobs.items())
        if turn % 2:
            order.reverse()
        for name, (cmd, log_path) in order:
            ms, rss, cpu = run_once(cmd, log_path)
            result[name].times_ms.append(ms)
            result[name].rss_kib.append(rss)
            result[name].cpu_ms.append(cpu)
    for name, (cmd, log_path) in jobs.items():
        own = [peak_rss(cmd, log_path) for _ in range(3)]
        if all(own):
            result[name].rss_kib = own
    for name, m in result.items():
        log(f"{name} {key}: median {m.time:.1f} ms (min {min(m.times_ms):.1f}, "
            f"max {max(m.times_ms):.1f}), CPU (user+sys) {statistics.median(m.cpu_ms):.1f} ms, "
            f"RSS {m.rss_mib:.1f} MiB")
    return result


def pdf_pages(pdf: Path, pdfinfo: str | None) -> int | None:
    if pdfinfo:
        out = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
        found = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if found:
            return int(found.group(1))
    data = pdf.read_bytes()
    pattern = re.compile(rb"/Type\s*/Page\b")
    count = len(pattern.findall(data))
    # Page objects may sit in compressed object streams: look inside those too.
    for match in re.finditer(rb"/Type\s*/ObjStm.*?stream\r?\n", data, re.S):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            count += len(pattern.findall(zlib.decompress(data[start:end])))
        except zlib.error:
            pass
    return count or None


# --------------------------------------------------------------------------------------------
# pandoc -> typst content check


def ast_stats(pandoc: str, md: Path) -> tuple[int, int, int]:
    """(tables, body rows, line breaks) in pandoc's AST of md, with the same filter."""
    out = run_checked([pandoc, "-f", "gfm", "-t", "json", "--lua-filter", str(LUA_FILTER), str(md)],
                      "pandoc -t json")
    ast = json.loads(out)
    tables = rows = breaks = 0

    def walk(node):
        nonlocal tables, rows, breaks
        if isinstance(node, dict):
            t = node.get("t")
            if t == "Table":
                tables += 1
                # Table attr caption colspecs head bodies foot; body = [attr, rhc, head rows, rows]
                for body in node["c"][4]:
                    rows += len(body[3])
            elif t == "LineBreak":
                breaks += 1
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(ast["blocks"])
    return tables, rows, breaks


# --------------------------------------------------------------------------------------------
# Report


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_lines(tools: dict, binary: Path, built: bool, font_note: str, runs: int, warmup: int,
                  load_at_start: str) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    load = f"{load_at_start} at start, {loadavg()} at end"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return [
        f"- date: {now}",
        f"- machine: {nproc} cores (nproc), {cpu}, {platform.system()} {platform.release()}, "
        f"load average {load}",
        f"- tools: {version or 'checkgen ?'} ({'cargo build --release' if built else binary}); pandoc {tools['pandoc']}; "
        f"typst {tools['typst']} (PyPI `typst`, via Python {platform.python_version()}); "
        f"font: {FONT_FAMILY} from {font_note}",
        f"- method: whole-process runs (`posix_spawn`), {warmup} warm-up + {runs} measured each, the tools taking "
        f"turns forth and back; median wall time; "
        + ("median peak RSS of 3 more runs each under GNU time (`%M`)" if GNU_TIME else
           "peak RSS from `wait4` (install GNU `time` for the tools' own: this figure includes the "
           "harness's)"),
    ]


def fmt(value, spec: str, none: str = "—") -> str:
    return none if value is None else format(value, spec)


# --------------------------------------------------------------------------------------------
# assess: a filled answer sheet read back and scored


def assess_section(binary: Path, work: Path, runs: int, warmup: int, target_items: int = 60) -> list[str]:
    """Times `checkgen assess` as a whole process on a filled YAML sheet of the self-assessment
    whose item count is closest to `target_items`, writing the gap report as Markdown and JSON."""
    d = work / "assess"
    d.mkdir()
    sectors = json.loads(subprocess.run([str(binary), "sectors", "--format", "json"], check=True,
                                        capture_output=True, text=True).stdout)["sectors"]
    best = None
    for sector in sectors:
        sheet = d / f"{sector['id']}.yaml"
        subprocess.run([str(binary), "-q", "answers", "--sector", sector["id"], "-o", str(sheet)], check=True)
        text = sheet.read_text()
        items = len(set(re.findall(r'^    id: "([^"]+)"$', text, re.M)))
        rows = text.count('    result: ""')
        if best is None or abs(items - target_items) < abs(best[1] - target_items):
            best = (sector["id"], items, rows, text)
    sector, items, rows, text = best
    cycle = ["符合", "部分符合", "不符合", "不适用", "√", "×", ""]
    parts = text.split('    result: ""')
    filled = parts[0] + "".join(f'    result: "{cycle[i % len(cycle)]}"' + part
                                for i, part in enumerate(parts[1:]))
    sheet = d / "filled.yaml"
    sheet.write_text(filled)
    cmd = [str(binary), "-q", "assess", str(sheet), "-o", str(d / "report.md"), "-o", str(d / "report.json")]
    m = measure_interleaved({"checkgen assess": (cmd, d / "assess.log")}, runs, warmup, sector)["checkgen assess"]
    return ["", "## Benchmark: checkgen assess", "",
            f"A filled self-assessment sheet (YAML) of `{sector}`: {items} items, {rows} rows, every seventh "
            "row blank; `checkgen assess filled.yaml -o report.md -o report.json` as a whole process.", "",
            "| command | input | median time (ms) | min (ms) | median peak RSS (MiB) |",
            "| --- | --- | ---: | ---: | ---: |",
            f"| checkgen assess | {sector}, {items} items / {rows} rows | {m.time:.1f} | {min(m.times_ms):.1f} "
            f"| {m.rss_mib:.1f} |"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", help="checkgen binary to use (default: cargo build --release)")
    ap.add_argument("--baseline", help="a second checkgen binary (say, the main branch's release build) "
                                       "measured in the same run, taking turns with the others; the "
                                       "report gives the first binary's time against it")
    ap.add_argument("--runs", type=int, default=15, help="measured runs per tool and input (default 15)")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up runs, not counted (default 1)")
    ap.add_argument("--fonts", help=f"directory holding {FONT_FAMILY} for typst "
                                    "(default: assets/fonts/, else fetched from npm into /tmp)")
    ap.add_argument("--target-rows", type=int, default=60,
                    help="item rows wanted in the enterprise input (default 60)")
    ap.add_argument("--enterprise-sectors", help="sector(s) of the enterprise input, e.g. telecom,ecommerce "
                                                 "(default: the combination closest to --target-rows)")
    ap.add_argument("--typst-orientation", choices=["auto", "portrait", "landscape"], default="auto",
                    help="A4 orientation for typst; auto: landscape when a table has 7 or more columns, "
                         "the rule of `checkgen render` (default auto)")
    ap.add_argument("--keep", help="keep inputs and outputs in this directory")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument("--assess-only", action="store_true",
                    help="measure `checkgen assess` alone (no pandoc, typst or fonts needed)")
    args = ap.parse_args()
    if args.runs < 1:
        raise BenchError("--runs must be at least 1")

    load_at_start = loadavg()
    if args.assess_only:
        binary = Path(args.binary).resolve() if args.binary else build_binary()
        with tempfile.TemporaryDirectory(prefix="checkgen-bench-") as tmp:
            print("\n".join(assess_section(binary, Path(tmp), args.runs, args.warmup)[1:]))
        log(f"load average at start {load_at_start}, now {loadavg()}")
        return 0
    tools = check_tools(args)
    binary = Path(args.binary).resolve() if args.binary else build_binary()
    need(binary.exists(), f"the checkgen binary {binary}", "build it, or fix --binary")
    render = has_render(binary)
    if not render:
        log("`checkgen render --help` fails: the render command is not in this build; checkgen rows skipped")
    fonts, font_note = find_fonts(args)

    if args.keep:
        work = Path(args.keep).resolve()
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="checkgen-bench-")
        work = Path(cleanup.name)

    pandoc = tools["pandoc_path"]
    inputs = make_inputs(binary, work, args)
    rows = []
    targets = []
    notes = []
    summaries = []
    for inp in inputs:
        d = work / f"run-{inp.key}"
        d.mkdir()
        md = d / "in.md"
        shutil.copyfile(inp.path, md)
        label = f"{inp.key} ({inp.stats.item_rows} items)"

        # pandoc: GFM -> typst markup; one run first, to write the typst input.
        body = d / "body.typ"
        pandoc_cmd = [pandoc, "-f", "gfm", "-t", "typst", "--wrap=none", "--lua-filter", str(LUA_FILTER),
                      str(md), "-o", str(body)]
        run_once(pandoc_cmd, d / "pandoc.log")
        body_text = body.read_text()
        typ = d / "in.typ"
        landscape = args.typst_orientation == "landscape" or (
            args.typst_orientation == "auto" and inp.stats.max_columns >= 7)
        typ.write_text(typst_preamble(landscape) + body_text)
        inp.note = "landscape" if landscape else "portrait"

        # Same content for typst: as many tables, rows and in-cell line breaks as the Markdown.
        a_tables, a_rows, a_breaks = ast_stats(pandoc, md)
        t_breaks = len(re.findall(r"\\\n", body_text))
        t_tables = body_text.count("#table(")
        same = (a_tables, a_rows, a_breaks, t_breaks, t_tables) == (
            inp.stats.tables, inp.stats.rows, inp.stats.brs, inp.stats.brs, inp.stats.tables)
        check = (f"Markdown {inp.stats.tables} tables / {inp.stats.rows} rows / {inp.stats.brs} `<br>`; "
                 f"pandoc AST {a_tables} / {a_rows} / {a_breaks} line breaks; typst markup "
                 f"{t_tables} tables / {t_breaks} `\\` breaks")
        if not same:
            notes.append(f"**content mismatch** for {inp.key}: {check}")

        # The runs of the tools are interleaved, so that load from elsewhere on the machine
        # falls on all of them alike.
        cg_pdf = d / "checkgen.pdf"
        ty_pdf = d / "typst.pdf"
        jobs = {}
        if render:
            jobs["checkgen"] = ([str(binary), "render", str(md), "-o", str(cg_pdf)], d / "checkgen.log")
        base_pdf = d / "baseline.pdf"
        if args.baseline:
            jobs["baseline"] = ([str(Path(args.baseline).resolve()), "render", str(md), "-o", str(base_pdf)],
                                d / "baseline.log")
        jobs["pandoc"] = (pandoc_cmd, d / "pandoc.log")
        jobs["typst"] = ([sys.executable, "-c", TYPST_COMPILE, str(typ), str(ty_pdf), str(fonts)],
                         d / "typst.log")
        measured = measure_interleaved(jobs, args.runs, args.warmup, inp.key)
        cg = measured.get("checkgen")
        pd = measured["pandoc"]
        ty = measured["typst"]
        warn = subprocess.run([sys.executable, "-c", TYPST_WARNINGS, str(typ), str(d / "typst-w.pdf"),
                               str(fonts)], capture_output=True, text=True)
        warnings = sorted(set(w for w in warn.stdout.splitlines() if w.strip()))
        if warnings:
            notes.append(f"typst warnings on {inp.key}: " + "; ".join(warnings))

        ty_size = ty_pdf.stat().st_size / 1024
        ty_pages = pdf_pages(ty_pdf, tools["pdfinfo"])
        cg_size = cg_pdf.stat().st_size / 1024 if cg else None
        cg_pages = pdf_pages(cg_pdf, tools["pdfinfo"]) if cg else None
        pipe_ms = pd.time + ty.time

        def ratio(num, den):
            return None if den in (None, 0) or num is None else num / den

        cg_ms = cg.time if cg else None
        if cg:
            rows.append(["checkgen render", label, f"{cg.time:.1f}", f"{cg.rss_mib:.1f}", f"{cg_size:.1f}",
                         fmt(cg_pages, "d"), "1.0", "1.0"])
        else:
            rows.append(["checkgen render", label, "skipped: no `render` in this build", "—", "—", "—",
                         "—", "—"])
        base = measured.get("baseline")
        if base and cg:
            base_size = base_pdf.stat().st_size / 1024
            rows.append(["checkgen render (baseline)", label, f"{base.time:.1f}", f"{base.rss_mib:.1f}",
                         f"{base_size:.1f}", fmt(pdf_pages(base_pdf, tools["pdfinfo"]), "d"),
                         fmt(ratio(base.time, cg_ms), ".2f"), fmt(ratio(base_size, cg_size), ".2f")])
            cost = cg.time / base.time - 1
            targets.append(f"| render no more than 10 % slower than the baseline | {inp.key} | "
                           f"{cg.time:.1f} ms vs {base.time:.1f} ms ({cost:+.1%}; CPU "
                           f"{statistics.median(cg.cpu_ms):.1f} vs {statistics.median(base.cpu_ms):.1f} ms) | "
                           f"{'PASS' if cost <= 0.10 else 'FAIL'} |")
        rows.append(["pandoc → typst markup", label, f"{pd.time:.1f}", f"{pd.rss_mib:.1f}", "—", "—",
                     fmt(ratio(pd.time, cg_ms), ".1f"), "—"])
        rows.append(["typst compile", label, f"{ty.time:.1f}", f"{ty.rss_mib:.1f}", f"{ty_size:.1f}",
                     fmt(ty_pages, "d"), fmt(ratio(ty.time, cg_ms), ".1f"),
                     fmt(ratio(ty_size, cg_size), ".2f")])
        rows.append(["pandoc + typst (pipeline)", label, f"{pipe_ms:.1f}",
                     f"{max(pd.rss_mib, ty.rss_mib):.1f}", f"{ty_size:.1f}", fmt(ty_pages, "d"),
                     fmt(ratio(pipe_ms, cg_ms), ".1f"), fmt(ratio(ty_size, cg_size), ".2f")])

        summaries.append(
            f"- **{inp.key}**: {inp.command}; {inp.stats.item_rows} item rows "
            f"({inp.stats.rows} table rows in {inp.stats.tables} tables), "
            f"{inp.path.stat().st_size / 1024:.1f} KiB of Markdown; pages: checkgen "
            f"{fmt(cg_pages, 'd', 'n/a')}, typst {fmt(ty_pages, 'd', '?')} (typst page: A4 {inp.note}). Content check: {check}"
            + ("" if same else " — MISMATCH"))

        if cg:
            speed = ty.time / cg.time
            targets.append(f"| checkgen ≥ 20× faster than typst | {inp.key} | {speed:.1f}× "
                           f"(typst compile alone; {pipe_ms / cg.time:.1f}× with pandoc) | "
                           f"{'PASS' if speed >= 20 else 'FAIL'} |")
            targets.append(f"| PDF no larger than typst's | {inp.key} | {cg_size:.1f} KiB vs {ty_size:.1f} KiB | "
                           f"{'PASS' if cg_size <= ty_size else 'FAIL'} |")
            targets.append(f"| peak RSS ≤ 40 MiB | {inp.key} | {cg.rss_mib:.1f} MiB | "
                           f"{'PASS' if cg.rss_mib <= 40 else 'FAIL'} |")
        else:
            for t in ("checkgen ≥ 20× faster than typst", "PDF no larger than typst's", "peak RSS ≤ 40 MiB"):
                targets.append(f"| {t} | {inp.key} | — | SKIP (no `checkgen render`) |")

    out = ["## Benchmark: checkgen render vs pandoc + typst", ""]
    out += machine_lines(tools, binary, not args.binary, font_note, args.runs, args.warmup, load_at_start)
    out += ["", "Inputs (generated by the binary itself):", ""] + summaries
    out += ["",
            "| tool | input | median time (ms) | median peak RSS (MiB) | PDF size (KiB) | pages "
            "| time ÷ checkgen | size ÷ checkgen |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", "| target | input | measured | result |", "| --- | --- | --- | --- |"] + targets
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    out += assess_section(binary, work, args.runs, args.warmup)
    if args.keep:
        out += ["", f"Inputs and outputs kept in `{work}`."]
    print("\n".join(out))
    if cleanup:
        cleanup.cleanup()
    failed = any(t.endswith("FAIL |") for t in targets)
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
