#!/usr/bin/python3
"""ci_job.py FILE JOB [NAME=VALUE...] - print, as a bash script, what a job
of a CI recipe (examples/ci/gitlab-ci.yml or github-workflow.yml) runs, so
tests/group_ci.sh can run the recipe as written on this machine.

GitLab: the global and the job's variables (its `extends:` template's
too), then before_script and script.  GitHub Actions: the workflow's and
the job's env, then every `run:` step (steps that `uses:` an action are
left out), with ${{ matrix.X }} replaced.  NAME=VALUE pairs set what the CI
service would (CI_NODE_INDEX, RUNNER_TEMP, matrix.shard, ...): a variable
of the recipe named so is overridden.  Needs PyYAML (Debian's
python3-yaml, for /usr/bin/python3)."""
import re
import shlex
import sys

import yaml


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, job_name = sys.argv[1], sys.argv[2]
    given = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    env, lines = {}, []
    if "jobs" in doc:  # GitHub Actions
        job = doc["jobs"][job_name]
        env.update(doc.get("env") or {})
        env.update(job.get("env") or {})
        for step in job["steps"]:
            if "run" in step:
                lines.append(step["run"])
    else:  # GitLab CI
        job = doc[job_name]
        base = doc[job["extends"]] if "extends" in job else {}
        env.update(doc.get("variables") or {})
        env.update(base.get("variables") or {})
        env.update(job.get("variables") or {})
        for key in ("before_script", "script"):
            lines += job.get(key) or base.get(key) or []
    out = ["set -eo pipefail"]
    for k, v in given.items():
        if not k.startswith("matrix."):
            out.append("export %s=%s" % (k, shlex.quote(v)))
    for k, v in env.items():
        if k not in given:
            out.append('export %s="%s"' % (k, str(v)))
    def matrix(m):
        return given.get("matrix." + m.group(1), "")
    for line in lines:
        out.append(re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", matrix, line))
    print("\n".join(out))


main()
