#!/usr/bin/env python3
"""Runs every `console` example of README.md against the real service and checks that each
command prints exactly what the README shows under it.

A block looks like:
    ```console
    $ curl -s localhost:8080/cce -H 'Content-Type: application/json' -d '{...}'
    {"loss":...}
    ```
`localhost:8080` is replaced by the port of a service started here on a free port. Every
command runs in one scratch directory, in README order: a command without `localhost:8080`
makes a file the next ones read (`printf … > preds.jsonl`, `gzip`), and a ```python block whose
first line is `# name.py` is written there as name.py before any command runs.
Usage: scripts/check_readme.py PATH_TO_BINARY
"""
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def examples(text):
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    yield command, "\n".join(expected)
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command:
            yield command, "\n".join(expected)


def scripts(text):
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        name = re.match(r"# ([A-Za-z0-9_]+\.py)\n", block)
        if name:
            yield name.group(1), block


def config_matches(text):
    """The README's openapi-python-client config is CI's (scripts/contract/), comments aside."""
    block = re.search(r"```yaml\n# openapi-python-client\.yaml\n(.*?)```", text, flags=re.S)
    ours = (ROOT / "scripts/contract/openapi-python-client.yaml").read_text()

    def content(yaml):
        return [line.rstrip() for line in yaml.splitlines() if line.strip() and not line.lstrip().startswith("#")]

    if block is None or content(block.group(1)) != content(ours):
        print("README's openapi-python-client.yaml differs from scripts/contract/openapi-python-client.yaml")
        return False
    return True


def main():
    binary = sys.argv[1]
    server = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    scratch = tempfile.TemporaryDirectory()
    try:
        text = (ROOT / "README.md").read_text()
        for name, source in scripts(text):
            (pathlib.Path(scratch.name) / name).write_text(source)
        line = server.stdout.readline().strip()
        port = line.rsplit(":", 1)[1]
        failures = 0
        count = 0
        for command, expected in examples(text):
            count += 1
            live = command.replace("localhost:8080", f"127.0.0.1:{port}")
            result = subprocess.run(
                live, shell=True, capture_output=True, text=True, timeout=30, cwd=scratch.name
            )
            actual = result.stdout.rstrip("\n")
            if actual != expected.rstrip("\n"):
                failures += 1
                print(f"README example differs:\n  $ {command}\n  README: {expected}\n  actual: {actual}")
        if not config_matches(text):
            failures += 1
        print(f"readme: {count - failures} passed, {failures} failed")
        return 1 if failures or count == 0 else 0
    finally:
        scratch.cleanup()
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
