"""A minimal PEP 517 build backend for the pure-Python `qdstudio` package.

Standard library only: it zips `qdstudio/` into a wheel (with `py.typed`, PEP
561) and writes the metadata from pyproject.toml's [project] table. No
compilation, no generated files, nothing to download.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "qdstudio"
TAG = "py3-none-any"


def _project():
    text = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    try:
        import tomllib  # Python >= 3.11

        return tomllib.loads(text)["project"]
    except ImportError:
        # Older Pythons: the flat `key = "value"` lines of [project] are all we read.
        section = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M).group(1)
        return dict(re.findall(r'^(\w[\w-]*) = "([^"]*)"', section, re.M))


def _metadata():
    p = _project()
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % p["name"],
        "Version: %s" % p["version"],
        "Summary: %s" % p.get("description", ""),
        "Requires-Python: %s" % p.get("requires-python", ">=3.8"),
        "License: %s" % p.get("license", ""),
    ]
    for extra, reqs in sorted((p.get("optional-dependencies") or {}).items()):
        lines.append("Provides-Extra: %s" % extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (r, extra) for r in reqs]
    readme = os.path.join(ROOT, p.get("readme", "README.md"))
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    lines.append("Description-Content-Type: text/markdown")
    return p["name"], p["version"], "\n".join(lines) + "\n\n" + body


def _dist_info(name, version):
    return "%s-%s.dist-info" % (name.replace("-", "_"), version)


def _files():
    """Every file of the package (sources and py.typed), relative to ROOT."""
    out = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, PACKAGE)):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for f in sorted(filenames):
            if f.endswith((".py", ".typed")):
                out.append(os.path.relpath(os.path.join(dirpath, f), ROOT))
    return out


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def _meta_files(name, version, metadata):
    wheel = "Wheel-Version: 1.0\nGenerator: qdstudio_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG
    info = _dist_info(name, version)
    return {info + "/METADATA": metadata.encode(), info + "/WHEEL": wheel.encode()}


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, version, metadata = _metadata()
    for path, data in _meta_files(name, version, metadata).items():
        target = os.path.join(metadata_directory, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    return _dist_info(name, version)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def _write_wheel(wheel_directory, contents):
    name, version, metadata = _metadata()
    filename = "%s-%s-%s.whl" % (name.replace("-", "_"), version, TAG)
    contents.update(_meta_files(name, version, metadata))
    record_path = _dist_info(name, version) + "/RECORD"
    records = [_record_line(p, d) for p, d in contents.items()] + [record_path + ",,"]
    contents[record_path] = ("\n".join(records) + "\n").encode()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in contents.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return filename


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    contents = {}
    for rel in _files():
        with open(os.path.join(ROOT, rel), "rb") as f:
            contents[rel.replace(os.sep, "/")] = f.read()
    return _write_wheel(wheel_directory, contents)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # A .pth file that puts the source tree on sys.path: edits take effect without reinstalling.
    return _write_wheel(wheel_directory, {"qdstudio_editable.pth": (ROOT + "\n").encode()})


def build_sdist(sdist_directory, config_settings=None):
    name, version, _ = _metadata()
    base = "%s-%s" % (name, version)
    filename = base + ".tar.gz"
    extra = ["pyproject.toml", "README.md"] + [os.path.join("_build", "qdstudio_build.py")]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for rel in extra + _files():
            path = os.path.join(ROOT, rel)
            if os.path.exists(path):
                tar.add(path, arcname=base + "/" + rel.replace(os.sep, "/"))
        pkg_info = _metadata()[2].encode()
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return filename
