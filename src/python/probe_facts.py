# What this interpreter has, read without importing Keras, and exceptions turned into data.
#
# A part of the probe worker, not a module of its own: keras_probe.py runs this file in its own namespace
# (load_parts), so the names of keras_probe.py and of its other parts are this file's globals, and the probe's folder
# never goes on sys.path. Stdlib only; Python 3.6+.

# --------------------------------------------------------------------------------------------------------------
# Facts read without importing Keras


def normalize_dist_name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distributions(requires=None):
    """Normalized distribution name -> version, first on sys.path wins (as imports do). A `requires` dict also gets
    the Requires-Dist lines of the distributions that matter (PACKAGE_DISTS), from the same single read."""
    wanted = set(normalize_dist_name(name) for names in PACKAGE_DISTS.values() for name in names)
    found = {}
    try:
        import importlib.metadata as metadata
    except ImportError:  # Python 3.6/3.7: read the *.dist-info / *.egg-info folders on sys.path
        metadata = None
    if metadata is not None:
        for dist in metadata.distributions():
            try:
                meta = dist.metadata  # parses METADATA once (dist.version would parse it again)
                name = normalize_dist_name(meta["Name"] or "")
                version = meta["Version"]
            except Exception:
                continue
            if name and name not in found:
                found[name] = version
                if requires is not None and name in wanted:
                    requires[name] = [str(line) for line in meta.get_all("Requires-Dist") or []]
        return found
    pattern = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+?)(-py\d[\d.]*)?\.(dist-info|egg-info)$")
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            match = pattern.match(item)
            if match and normalize_dist_name(match.group("name")) not in found:
                name = normalize_dist_name(match.group("name"))
                found[name] = match.group("version")
                if requires is not None and name in wanted:
                    requires[name] = read_dist_requires(os.path.join(entry or ".", item)) or []
    return found


def package_versions(dists=None):
    dists = installed_distributions() if dists is None else dists
    versions = {}
    for package, candidates in PACKAGE_DISTS.items():
        versions[package] = None
        for candidate in candidates:
            if normalize_dist_name(candidate) in dists:
                versions[package] = dists[normalize_dist_name(candidate)]
                break
    return versions


def read_dist_requires(folder):
    """Requires-Dist lines of one *.dist-info/METADATA (Python 3.6/3.7 have no importlib.metadata)."""
    import email.parser

    try:
        with open(os.path.join(folder, "METADATA"), "rb") as handle:
            message = email.parser.BytesHeaderParser().parse(handle)
    except (OSError, ValueError):
        return None
    return [str(line) for line in message.get_all("Requires-Dist") or []]


def distribution_requirements(dists, requires):
    """The distributions that matter with their declared requirements, raw: Node evaluates specifiers and markers
    (src/core/probe/requirements.ts), as `pip check` does."""
    return [{"name": name, "version": dists[name], "requires": requires[name]} for name in sorted(requires)]


def marker_environment():
    """The PEP 508 marker variables of this interpreter, so that Node can evaluate `; python_version < "3.11"`."""
    implementation = sys.implementation
    info = implementation.version
    full = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        full += info.releaselevel[0] + str(info.serial)
    return {
        "implementation_name": implementation.name,
        "implementation_version": full,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_python_implementation": platform.python_implementation(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def major_minor(version):
    match = re.match(r"(\d+)(?:\.(\d+))?", version or "")
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2) or 0))


def legacy_keras_requested():
    # TF >= 2.16 routes tf.keras to tf_keras on exactly these values (tensorflow/python/util/lazy_loader.py).
    return os.environ.get("TF_USE_LEGACY_KERAS") in ("true", "True", "1")


def keras_json_path():
    return os.path.join(os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras"), "keras.json")


def backend_choice(loader):
    """(backend, where it was set) as Keras 3 reads it: KERAS_BACKEND, then $KERAS_HOME/keras.json, then its
    default, tensorflow. `where` is "KERAS_BACKEND", the keras.json path, "default" or "tf.keras"."""
    if loader in ("tf.keras", "tf_keras"):
        return "tensorflow", "tf.keras"
    if loader is None:
        return None, None
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"], "KERAS_BACKEND"
    try:
        with open(keras_json_path()) as handle:
            backend = json.load(handle).get("backend")
        if backend:
            return str(backend), keras_json_path()
    except (OSError, ValueError, AttributeError):
        pass
    return "tensorflow", "default"


def configured_backend(loader):
    """The backend Keras will pick, read as Keras 3 reads it: KERAS_BACKEND, then $KERAS_HOME/keras.json."""
    return backend_choice(loader)[0]


def choose_loader(packages):
    """Which load_model a user's `keras.models.load_model` resolves to here."""
    keras_version = major_minor(packages.get("keras"))
    if legacy_keras_requested() and packages.get("tf_keras") and packages.get("tensorflow"):
        return "tf_keras"
    if keras_version and keras_version[0] >= 3:
        return "keras3"
    if packages.get("tensorflow"):
        return "tf.keras"
    if packages.get("keras"):
        return "keras2"
    return None


def initial_env():
    requires = {}
    dists = installed_distributions(requires)
    packages = package_versions(dists)
    loader = choose_loader(packages)
    backend, backend_source = backend_choice(loader)
    return {
        "python": {"path": sys.executable, "version": platform.python_version()},
        "packages": packages,
        "backend": backend,
        "backendSource": backend_source,
        "distributions": distribution_requirements(dists, requires),
        "markers": marker_environment(),
        "legacyKeras": loader == "tf_keras",
        "loader": loader,
        "importError": None,
        "importSeconds": None,
    }


# --------------------------------------------------------------------------------------------------------------
# Exceptions as data


def exception_chain(exc):
    """The chain as Python prints it: the first raised first (walking __cause__, then unsuppressed __context__)."""
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        if exc.__cause__ is not None:
            exc = exc.__cause__
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc = exc.__context__
        else:
            exc = None
    chain.reverse()
    return [describe_exception(item) for item in chain]


def describe_exception(exc):
    cls = type(exc)
    module = getattr(cls, "__module__", "builtins")
    qualname = getattr(cls, "__qualname__", cls.__name__)
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable %s>" % cls.__name__
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list) and notes:
        message = "\n".join([message] + [str(note) for note in notes])
    frames = []
    for summary in traceback.extract_tb(exc.__traceback__):
        frames.append(
            {"file": summary.filename, "line": summary.lineno, "function": summary.name, "code": summary.line}
        )
    # The probe's own frames are noise for classification: those above the user-visible load call, and the guard's
    # pass-through wrappers that Keras' deserializers call on the way (the user's own load has neither).
    frames = [frame for frame in frames if os.path.abspath(frame["file"]) not in PROBE_FILES]
    return {"type": qualname if module == "builtins" else module + "." + qualname, "message": message, "frames": frames}


def chain_from_message(type_name, message):
    return [{"type": type_name, "message": message, "frames": []}]


class CapturedOutput(object):
    """Collects warnings and WARNING+ log records (Keras 3 warns; tf.keras/absl log) during one load."""

    def __init__(self):
        self.lines = []
        self._handler = None
        self._loggers = []
        self._warnings = None
        self._records = None

    def __enter__(self):
        self._warnings = warnings.catch_warnings(record=True)
        self._records = self._warnings.__enter__()
        warnings.simplefilter("always")
        capture = self

        class Handler(logging.Handler):
            def emit(self, record):
                try:
                    capture.lines.append("%s:%s:%s" % (record.levelname, record.name, record.getMessage()))
                except Exception:
                    pass

        self._handler = Handler(level=logging.WARNING)
        # tensorflow's logger does not propagate to the root logger; absl's does.
        for name in (None, "tensorflow"):
            logger = logging.getLogger(name)
            logger.addHandler(self._handler)
            self._loggers.append(logger)
        return self

    def __exit__(self, *exc_info):
        for logger in self._loggers:
            logger.removeHandler(self._handler)
        records = list(self._records or [])
        self._warnings.__exit__(*exc_info)
        lines = ["%s: %s" % (item.category.__name__, item.message) for item in records] + self.lines
        unique = []
        for line in lines:
            if line not in unique:
                unique.append(line)
        self.lines = unique
        return False
