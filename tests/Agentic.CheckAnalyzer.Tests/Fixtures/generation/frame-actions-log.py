"""Wraps real tool output in GitHub Actions job-log framing: runner set-up lines, step headers, exit line, post steps."""
import sys, json, datetime
ESC = "\x1b"
spec = json.load(open(sys.argv[1]))
t = datetime.datetime(2026, 11, 30, 9, 14, 2, 113000)
out = []
def emit(line):
    global t
    t += datetime.timedelta(microseconds=137431)
    out.append(t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}0Z " + line)
repo = spec["repo"]
for l in ["Current runner version: '2.321.0'", "##[group]Operating System", "Ubuntu", "24.04.1", "LTS", "##[endgroup]",
          "##[group]Runner Image", "Image: ubuntu-24.04", "Version: 20241117.1.0",
          "Included Software: https://github.com/actions/runner-images/blob/ubuntu24/20241117.1/images/ubuntu/Ubuntu2404-Readme.md",
          "Image Release: https://github.com/actions/runner-images/releases/tag/ubuntu24%2F20241117.1", "##[endgroup]",
          "##[group]Runner Image Provisioner", "2.0.384.1", "##[endgroup]", "##[group]GITHUB_TOKEN Permissions", "Contents: read", "Metadata: read", "##[endgroup]",
          "Secret source: Actions", "Prepare workflow directory", "Prepare all required actions", "Getting action download info"]:
    emit(l)
for a in spec["actions"]:
    emit(f"Download action repository '{a[0]}' (SHA:{a[1]})")
emit(f"Complete job name: {spec['job']}")
emit("##[group]Run actions/checkout@v4")
emit("with:")
for l in [f"repository: {repo}", "token: ***", "ssh-strict: true", "ssh-user: git", "persist-credentials: true", "clean: true", "sparse-checkout-cone-mode: true", "fetch-depth: 1", "fetch-tags: false", "show-progress: true", "lfs: false", "submodules: false", "set-safe-directory: true"]:
    emit("  " + l)
emit("##[endgroup]")
name = repo.split("/")[1]
for l in [f"Syncing repository: {repo}", "##[group]Getting Git version info", f"Working directory is '/home/runner/work/{name}/{name}'", "[command]/usr/bin/git version", "git version 2.47.0", "##[endgroup]",
          f"[command]/usr/bin/git config --global --add safe.directory /home/runner/work/{name}/{name}", "##[group]Initializing the repository", "[command]/usr/bin/git init /home/runner/work/{0}/{0}".format(name),
          f"Initialized empty Git repository in /home/runner/work/{name}/{name}/.git/", f"[command]/usr/bin/git remote add origin https://github.com/{repo}", "##[endgroup]",
          "##[group]Fetching the repository", f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +{spec['sha']}:refs/remotes/pull/{spec['pr']}/merge",
          f" * [new ref]         {spec['sha']} -> pull/{spec['pr']}/merge", "##[endgroup]", "##[group]Checking out the ref", f"[command]/usr/bin/git checkout --progress --force refs/remotes/pull/{spec['pr']}/merge",
          f"HEAD is now at {spec['sha'][:7]} {spec['subject']}", "##[endgroup]", "[command]/usr/bin/git log -1 --format=%H", spec["sha"]]:
    emit(l)
for step in spec["steps"]:
    emit("##[group]Run " + step["run"][0])
    if step.get("with"):
        emit("with:")
        for k, v in step["with"].items():
            emit(f"  {k}: {v}")
    else:
        for l in step["run"]:
            emit(f"{ESC}[36;1m{l}{ESC}[0m")
        emit("shell: /usr/bin/bash -e {0}")
    if step.get("env"):
        emit("env:")
        for k, v in step["env"].items():
            emit(f"  {k}: {v}")
    emit("##[endgroup]")
    for l in (open(step["output"]).read().rstrip("\n").split("\n") if step.get("output") else step.get("lines", [])):
        emit(l)
    if step.get("exit"):
        emit(f"##[error]Process completed with exit code {step['exit']}.")
        break
for l in ["Post job cleanup.", "[command]/usr/bin/git version", "git version 2.47.0", "Temporarily overriding HOME='/home/runner/work/_temp/0b6f4c51-7b2d-4a62-9c1f-3f1d2c8c0e71' before making global git config changes",
          f"Adding repository directory to the temporary git global config as a safe directory", f"[command]/usr/bin/git config --global --add safe.directory /home/runner/work/{name}/{name}",
          "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand", "[command]/usr/bin/git submodule foreach --recursive sh -c \"git config --local --name-only --get-regexp 'core\\.sshCommand' && git config --local --unset-all 'core.sshCommand' || :\"",
          "[command]/usr/bin/git config --local --name-only --get-regexp http\\.https\\:\\/\\/github\\.com\\/\\.extraheader", "http.https://github.com/.extraheader",
          "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader", "Cleaning up orphan processes"]:
    emit(l)
sys.stdout.write("\n".join(out) + "\n")
