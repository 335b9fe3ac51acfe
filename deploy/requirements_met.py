"""Exit 0 when every pinned requirement is installed at its pinned version; else list what differs and exit 1.

`make install` runs it first, so a make target never reinstalls into a virtualenv that already has everything
(a shared one, above all) just because requirements.txt is newer than the last install.
"""

import sys
from importlib import metadata
from pathlib import Path


def differences(requirements: Path) -> list[str]:
    out = []
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or "==" not in line:
            continue
        name, wanted = (part.strip() for part in line.split("==", 1))
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(f"{name}=={wanted} (missing)")
            continue
        if installed != wanted:
            out.append(f"{name}=={wanted} (installed: {installed})")
    return out


if __name__ == "__main__":
    missing = differences(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"))
    for item in missing:
        print(f"  not as pinned: {item}")
    sys.exit(1 if missing else 0)
