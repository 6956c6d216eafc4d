#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the repository into the quilt series users apply, or into the
final state of every kernel file the series touches.

The series is described by scripts/series/NNNN-slug.msg, one file per
patch, in order:

    Subject: perfmon: short summary
    Files: path/or/glob ...          (new files this patch introduces)
    Diffs: name.diff ...             (hand-kept diffs, scripts/series/diffs)

    Free-form description, the commit message body.

Files are introduced with their content as committed in the repository.
A hand-kept diff either changes existing kernel files (it applies to the
pristine tree) or changes files introduced by an earlier patch (it is
what that later patch adds to them); one diff never mixes the two.
Every file under the kernel-tree folders must belong to exactly one
patch, so nothing is silently left out of the series.

Usage:
    series.py generate PRISTINE OUTDIR   write OUTDIR/series + patches
    series.py stage PRISTINE OUTDIR      write the final files + MANIFEST
    series.py list                       print the patches and their files
"""

import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERIES_DIR = os.path.join(REPO, "scripts", "series")
DIFF_DIR = os.path.join(SERIES_DIR, "diffs")
TREE_DIRS = ("perfmon", "include", "arch", "Documentation", "tools")
AUTHOR = "Perfmon2 Developers"
EMAIL = "perfmon2-devel@example.org"
DATE = "Sun, 1 Nov 2026 00:00:00 +0000"


class SeriesError(Exception):
    pass


class Patch:
    def __init__(self, msgfile):
        self.msgfile = msgfile
        self.subject = None
        self.globs = []
        self.diffs = []
        self.body = ""
        self.files = []
        self._parse()

    def _parse(self):
        with open(self.msgfile, encoding="utf-8") as f:
            text = f.read()
        head, sep, body = text.partition("\n\n")
        if not sep:
            raise SeriesError(f"{self.msgfile}: no blank line before the description")
        key = None
        fields = {"Subject": [], "Files": [], "Diffs": []}
        for line in head.splitlines():
            if line[:1].isspace() and key:
                fields[key].append(line.strip())
                continue
            key, colon, value = line.partition(":")
            if not colon or key not in fields:
                raise SeriesError(f"{self.msgfile}: unknown header line '{line}'")
            fields[key].append(value.strip())
        self.subject = " ".join(fields["Subject"]).strip()
        if not self.subject:
            raise SeriesError(f"{self.msgfile}: missing Subject")
        self.globs = " ".join(fields["Files"]).split()
        self.diffs = " ".join(fields["Diffs"]).split()
        self.body = body.strip() + "\n"
        if len(self.body.strip()) < 40:
            raise SeriesError(f"{self.msgfile}: the description is too short to explain the patch")


def tree_files():
    """Files under the kernel-tree folders, as git sees them (tracked and
    untracked-but-not-ignored)."""
    out = subprocess.run(
        ["git", "-C", REPO, "ls-files", "-co", "--exclude-standard", "--"] + list(TREE_DIRS),
        check=True, capture_output=True, text=True).stdout
    return sorted(p for p in set(out.splitlines()) if os.path.isfile(os.path.join(REPO, p)))


def load_series():
    names = sorted(n for n in os.listdir(SERIES_DIR) if n.endswith(".msg"))
    patches = [Patch(os.path.join(SERIES_DIR, n)) for n in names]
    files = tree_files()
    owner = {}
    for p in patches:
        for g in p.globs:
            matched = [f for f in files if fnmatch.fnmatchcase(f, g)]
            if not matched:
                raise SeriesError(f"{p.msgfile}: '{g}' matches no file")
            for f in matched:
                if f in owner and owner[f] is not p:
                    raise SeriesError(f"{f} is claimed by {owner[f].msgfile} and {p.msgfile}")
                if f not in owner:
                    owner[f] = p
                    p.files.append(f)
    missing = [f for f in files if f not in owner]
    if missing:
        raise SeriesError("files in no patch (add them to a scripts/series/*.msg):\n  "
                          + "\n  ".join(missing))
    return patches, owner


def diff_targets(diffname):
    path = os.path.join(DIFF_DIR, diffname)
    if not os.path.isfile(path):
        raise SeriesError(f"missing hand-kept diff {path}")
    targets = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("+++ "):
                t = line[4:].split("\t")[0].strip()
                if not t.startswith("b/"):
                    raise SeriesError(f"{diffname}: target '{t}' is not a b/ path")
                targets.append(t[2:])
    if not targets:
        raise SeriesError(f"{diffname}: no file in it")
    return targets


def apply_diff(root, diffname, reverse=False):
    cmd = ["patch", "-p1", "-d", root, "--fuzz=0", "--no-backup-if-mismatch",
           "-i", os.path.join(DIFF_DIR, diffname)]
    if reverse:
        cmd.insert(1, "-R")
    res = subprocess.run(cmd, capture_output=True, text=True)
    out = res.stdout + res.stderr
    if res.returncode or "offset" in out or "fuzz" in out:
        how = "reverse-apply" if reverse else "apply"
        raise SeriesError(f"{diffname} does not {how} exactly:\n{out}")


def copy_file(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy2(src, dst)


def classify(patches, owner, pristine):
    """Split every diff into 'kernel' (existing files) or 'new' (files of
    earlier patches) and check the order."""
    kind = {}
    order = {p: i for i, p in enumerate(patches)}
    for p in patches:
        for d in p.diffs:
            targets = diff_targets(d)
            new = [t for t in targets if t in owner]
            old = [t for t in targets if t not in owner]
            if new and old:
                raise SeriesError(f"{d} mixes new files and existing kernel files")
            for t in old:
                if not os.path.isfile(os.path.join(pristine, t)):
                    raise SeriesError(f"{d}: {t} is neither in the kernel tree nor in a patch")
            for t in new:
                if order[owner[t]] >= order[p]:
                    raise SeriesError(f"{d} changes {t}, which is only added by a later or the same patch")
            kind[d] = "new" if new else "kernel"
    return kind


def final_state(patches, owner, pristine, dest):
    """Write the final content of every touched or new file into dest and
    return the sorted list of paths."""
    patches_kind = classify(patches, owner, pristine)
    paths = set(owner)
    for p in patches:
        for d in p.diffs:
            if patches_kind[d] == "kernel":
                for t in diff_targets(d):
                    if t not in paths:
                        copy_file(os.path.join(pristine, t), os.path.join(dest, t))
                        paths.add(t)
    for p in patches:
        for d in p.diffs:
            if patches_kind[d] == "kernel":
                apply_diff(dest, d)
    for f in owner:
        copy_file(os.path.join(REPO, f), os.path.join(dest, f))
    return sorted(paths)


def git(cwd, *args, env=None):
    return subprocess.run(["git", "-C", cwd] + list(args), check=True,
                          capture_output=True, text=True, env=env).stdout


def generate(pristine, outdir):
    patches, owner = load_series()
    work = tempfile.mkdtemp(prefix="pfm-series-")
    try:
        final = os.path.join(work, "final")
        paths = final_state(patches, owner, pristine, final)
        # Walk back from the final state to the pristine one, keeping each
        # intermediate state: state[k] is the tree after patch k.
        states = [None] * (len(patches) + 1)
        cur = os.path.join(work, "state-%d" % len(patches))
        shutil.copytree(final, cur)
        states[len(patches)] = cur
        for k in range(len(patches), 0, -1):
            prev = os.path.join(work, "state-%d" % (k - 1))
            shutil.copytree(states[k], prev)
            p = patches[k - 1]
            for d in reversed(p.diffs):
                apply_diff(prev, d, reverse=True)
            for f in p.files:
                os.unlink(os.path.join(prev, f))
            states[k - 1] = prev
        for t in paths:
            if t in owner:
                if os.path.exists(os.path.join(states[0], t)):
                    raise SeriesError(f"{t} survives the removal of its patch")
                continue
            with open(os.path.join(states[0], t), "rb") as a, \
                 open(os.path.join(pristine, t), "rb") as b:
                if a.read() != b.read():
                    raise SeriesError(f"{t}: diffs do not lead back to the pristine file")

        env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                   GIT_AUTHOR_NAME=AUTHOR, GIT_AUTHOR_EMAIL=EMAIL, GIT_AUTHOR_DATE=DATE,
                   GIT_COMMITTER_NAME=AUTHOR, GIT_COMMITTER_EMAIL=EMAIL,
                   GIT_COMMITTER_DATE=DATE)
        repo = os.path.join(work, "git")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "base", env=env)
        for k, p in enumerate([None] + patches):
            for entry in os.listdir(repo):
                path = os.path.join(repo, entry)
                if entry == ".git":
                    continue
                if os.path.isdir(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            for root, _, files in os.walk(states[k]):
                for name in files:
                    src = os.path.join(root, name)
                    copy_file(src, os.path.join(repo, os.path.relpath(src, states[k])))
            # The copies keep their modification times, which two states
            # can share (coarse clock) for a change of the same size: an
            # index from the previous state would take such a file as
            # unchanged. A fresh index hashes every file.
            index = os.path.join(repo, ".git", "index")
            if os.path.exists(index):
                os.unlink(index)
            git(repo, "add", "-A", env=env)
            if p is None:
                msg = "pristine files touched by the series\n"
            else:
                msg = f"{p.subject}\n\n{p.body}\nSigned-off-by: {AUTHOR} <{EMAIL}>\n"
            subprocess.run(["git", "-C", repo, "commit", "-q", "-F", "-"], input=msg,
                           check=True, text=True, env=env, capture_output=True)
        os.makedirs(outdir, exist_ok=True)
        for old in os.listdir(outdir):
            if old.endswith(".patch") or old == "series":
                os.unlink(os.path.join(outdir, old))
        out = git(repo, "-c", "core.abbrev=12", "-c", "diff.renames=false",
                  "format-patch", "--zero-commit", "--no-signature", "--no-numbered",
                  "--stat=80", "-o", outdir, "HEAD~%d" % len(patches), env=env)
        names = [os.path.basename(line) for line in out.split()]
        with open(os.path.join(outdir, "series"), "w") as f:
            f.write("".join(n + "\n" for n in names))
    finally:
        shutil.rmtree(work)


def stage(pristine, outdir):
    patches, owner = load_series()
    if os.path.exists(outdir):
        shutil.rmtree(outdir)
    paths = final_state(patches, owner, pristine, outdir)
    with open(os.path.join(outdir, "MANIFEST"), "w") as f:
        f.write("".join(p + "\n" for p in paths))


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "generate":
            generate(os.path.abspath(argv[2]), os.path.abspath(argv[3]))
        elif len(argv) == 4 and argv[1] == "stage":
            stage(os.path.abspath(argv[2]), os.path.abspath(argv[3]))
        elif len(argv) == 2 and argv[1] == "list":
            patches, _ = load_series()
            for p in patches:
                print(f"{os.path.basename(p.msgfile)}: {p.subject}")
                for f in p.files:
                    print(f"    {f}")
                for d in p.diffs:
                    print(f"    diffs/{d}")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (SeriesError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or ""
        print(f"series: {e}\n{detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
