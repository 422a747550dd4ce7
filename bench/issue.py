#!/usr/bin/env python3
"""Bulk issuance benchmark: a synthetic roster of N enterprises (default 10,000), issued as
enterprise forms with `--appendix separate`, Markdown and PDF, with 1 and with 2 jobs (and with 2
jobs and `--no-fields`, the plain PDF); against
`checkgen generate` run once per enterprise (a sample of runs, extrapolated).

Prints a Markdown report: machine, date, load, the median wall time and peak RSS (GNU time,
%M) of each configuration over --runs runs, forms per second, and the targets (<= 30 s wall,
<= 300 MiB peak RSS for 10,000 forms with md+pdf) as PASS/FAIL.

    python3 bench/issue.py                         # builds --release first
    python3 bench/issue.py --binary target/release/checkgen --rows 10000 --runs 3
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# ext4 without a journal (this machine's root) does not reuse an inode freed less than 60 s ago,
# or 300 s when its inode-table block is dirty, which creating the next run's files makes it
# (fs/ext4/ialloc.c, RECENTCY_MIN and RECENTCY_DIRTY), and scans past every such inode each
# time it creates a file: right after removing 20,000 files, the next 20,000 spent up to
# 20 s in the kernel. A campaign issues into a new directory, so a run's output is removed
# and left to age that long before the next run.
RECENTLY_DELETED_S = 305
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
SECTORS = ["telecom", "info_services", "internet", "ecommerce", "payment", "it_services"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
WORDS = ["通信", "网络", "信息", "科技", "数据", "电子商务", "软件", "支付", "云计算", "智能"]


def credit_code(n):
    """A valid synthetic 统一社会信用代码 (GB 32100-2015 check character)."""
    prefix = f"91370600MA{n:07d}"
    total = sum(CHARSET.index(c) * w for c, w in zip(prefix, WEIGHTS))
    return prefix + CHARSET[(31 - total % 31) % 31]


def roster(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write("单位名称,统一社会信用代码,所属行业,系统等级,地址,联系人,联系电话\r\n")
        for n in range(1, rows + 1):
            name = f"烟台{SURNAMES[n % len(SURNAMES)]}{WORDS[n % len(WORDS)]}有限公司第{n}分公司"
            sector = SECTORS[n % len(SECTORS)]
            level = 2 + n % 3
            f.write(
                f"{name},{credit_code(n)},{sector},{level},烟台市芝罘区某路{n}号,"
                f"张{SURNAMES[n % 7]},0535-{n:07d}\r\n"
            )


def timed(command, cwd):
    """Wall seconds and peak RSS (MiB) of one run under GNU time."""
    started = time.monotonic()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1795392000"},
    )
    wall = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    rss_kib = int(result.stderr.strip().splitlines()[-1])
    return wall, rss_kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="checkgen to run (default: build --release)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100, help="generate runs to extrapolate")
    parser.add_argument("--keep", help="directory to keep the roster and outputs in")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    if args.binary:
        binary = Path(args.binary).resolve()
    else:
        subprocess.run(["cargo", "build", "--release"], cwd=root, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
        binary = (target / "release" / "checkgen").resolve()
    work = Path(args.keep or tempfile.mkdtemp(prefix="checkgen-issue-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    roster(work / "roster.csv", args.rows)
    load_before = os.getloadavg()

    # The fillable form (the default) with one and two jobs, and the plain PDF
    # (`--no-fields`) with two, to show what the fields cost.
    configurations = [("", 1), ("", 2), ("--no-fields", 2)]
    results = {}
    for flag, jobs in configurations:
        walls, rsss = [], []
        for run in range(args.runs):
            out = work / f"out-j{jobs}{flag}"
            if out.exists():
                # See RECENTLY_DELETED_S.
                shutil.rmtree(out)
                os.sync()
                time.sleep(RECENTLY_DELETED_S)
            wall, rss = timed(
                [str(binary), "-q", "issue", "--roster", "roster.csv", "--out", out.name,
                 "--audience", "enterprise", "--appendix", "separate", "--format", "md,pdf",
                 "--date", "2026-12-01", "--jobs", str(jobs), *([flag] if flag else [])],
                work,
            )
            walls.append(wall)
            rsss.append(rss)
            print(f"jobs={jobs} {flag} run {run + 1}: {wall:.1f} s, {rss:.0f} MiB",
                  file=sys.stderr)
        results[(flag, jobs)] = (statistics.median(walls), statistics.median(rsss), walls)
        if (flag, jobs) == ("", 2):
            forms = len([p for p in out.iterdir() if p.suffix == ".pdf"
                         and not p.name.startswith("附件")])
            size = sum(p.stat().st_size for p in out.iterdir())
        # Each configuration's output is removed before the next, so none writes over a
        # disk still busy with the one before.
        shutil.rmtree(out)
        os.sync()
        time.sleep(RECENTLY_DELETED_S)

    # One `checkgen generate` process per enterprise, sampled.
    sample_out = work / "generate"
    shutil.rmtree(sample_out, ignore_errors=True)
    started = time.monotonic()
    for n in range(1, args.sample + 1):
        subprocess.run(
            [str(binary), "-q", "generate", "--sector", SECTORS[n % len(SECTORS)],
             "--audience", "enterprise", "--level", str(2 + n % 3),
             "--org-name", f"烟台测试有限公司第{n}分公司", "--credit-code", credit_code(n),
             "--format", "md,pdf", "--out", str(sample_out / str(n))],
            check=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1795392000"},
        )
    per_generate = (time.monotonic() - started) / args.sample
    load_after = os.getloadavg()

    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {cpu}, "
          f"{os.cpu_count()} cores, {platform.system()} {platform.release()}; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after. Roster: {args.rows} rows, "
          f"{forms} forms issued (md + pdf, appendix separate, {size / 2**20:.0f} MiB written); "
          f"medians of {args.runs} runs.\n")
    print("| configuration | median wall (s) | runs (s) | median peak RSS (MiB) | forms/s |")
    print("| --- | ---: | --- | ---: | ---: |")
    for (flag, jobs), (wall, rss, walls) in results.items():
        runs = ", ".join(f"{w:.1f}" for w in walls)
        name = f"issue --jobs {jobs}" + (f" {flag}" if flag else "")
        print(f"| `{name}` | {wall:.1f} | {runs} | {rss:.0f} | {args.rows / wall:.0f} |")
    print(f"| `generate` once per enterprise ({args.sample} runs, extrapolated) | "
          f"{per_generate * args.rows:.1f} | — | — | {1 / per_generate:.0f} |")
    wall2, rss2, _ = results[("", 2)]
    scale = args.rows / 10_000
    print()
    print(f"| target | measured | result |\n| --- | --- | --- |")
    print(f"| ≤ 30 s wall for 10,000 forms (2 jobs) | {wall2 / scale:.1f} s | "
          f"{'PASS' if wall2 / scale <= 30 else 'FAIL'} |")
    print(f"| ≤ 300 MiB peak RSS | {rss2:.0f} MiB | {'PASS' if rss2 <= 300 else 'FAIL'} |")


if __name__ == "__main__":
    main()
