"""CI's dependency audit: pip-audit over the packages installed beside it (our pins and what they pull in).

A known vulnerability fails CI. When the vulnerability service cannot be reached, or answers for none of the
packages (an offline mirror of PyPI has no JSON API), nothing was audited: this says so plainly and CI goes on,
since the build cannot wait for a service outside it. pip-audit alone would print "No known vulnerabilities found"
in the second case, which is not true, and a traceback in the first.
"""

import json
import subprocess
import sys
from pathlib import Path

# The pip-audit of the environment this runs in (.venv in CI), which it audits.
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
COMMAND = [str(PIP_AUDIT), "--local", "--skip-editable", "--progress-spinner", "off", "--format", "json"]
# What requests and urllib3 say when the service's address cannot be resolved, connected to or answers too late.
UNREACHABLE_SIGNS = ("ConnectionError", "Max retries exceeded", "Failed to resolve", "timed out", "Timeout")


def verdict(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """CI's exit status and what to print, from one run of pip-audit."""
    try:
        report = json.loads(stdout)
    except ValueError:
        last_line = stderr.strip().splitlines()[-1] if stderr.strip() else "(no message)"
        if any(sign in stderr for sign in UNREACHABLE_SIGNS):
            return (
                0,
                f"pip-audit: the vulnerability service could not be reached, so NOTHING WAS AUDITED; CI goes on.\n  {last_line}",
            )
        return returncode or 1, f"pip-audit failed (exit status {returncode}):\n{stderr}"
    dependencies = report["dependencies"]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    skipped = len(dependencies) - len(audited)
    findings = [
        f"  {dependency['name']} {dependency['version']}: {vulnerability['id']}"
        f" (fixed in {', '.join(vulnerability['fix_versions']) or 'no release yet'})"
        for dependency in audited
        for vulnerability in dependency["vulns"]
    ]
    if findings:
        return 1, "pip-audit: known vulnerabilities in installed packages:\n" + "\n".join(findings)
    if not audited:
        return 0, (
            f"pip-audit: the vulnerability service answered for none of the {skipped} packages, so NOTHING WAS "
            f"AUDITED; CI goes on.\n  {dependencies[0]['skip_reason'] if dependencies else 'no packages listed'}"
        )
    not_found = f", {skipped} not known to the service" if skipped else ""
    return 0, f"pip-audit: no known vulnerability (installed packages audited: {len(audited)}{not_found})."


def main() -> int:
    run = subprocess.run(COMMAND, capture_output=True, text=True)
    status, message = verdict(run.returncode, run.stdout, run.stderr)
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main())
