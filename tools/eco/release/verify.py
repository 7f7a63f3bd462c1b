"""Check where a release came from, with sigstore's own verifier.

Two kinds of evidence:

- **PyPI provenance** (PEP 740): what the index serves per file, a list of attestation
  bundles with the trusted publisher PyPI saw. Each attestation is verified with
  pypi-attestations against the publisher eco expects (the project's repository and its
  publish workflow, the file a Trusted Publisher is registered with), and the publisher's
  environment is compared with the expected one (``publish``).
- **Sigstore bundles** (``*.sigstore.json``): a plain message signature over the file
  (``sigstore sign``) or a DSSE envelope carrying an in-toto statement whose subject
  digest must be the file's (GitHub's attest step). Verified with
  :class:`sigstore.verify.Verifier` under a policy built from the registry: issuer
  GitHub Actions, the source repository, the workflow, optionally the ref.

The trust root is loaded once per run by :func:`load_trust`: refreshed from sigstore's
TUF repository (over HTTPS, through the usual ``https_proxy`` settings), or with
``offline=True`` read from sigstore's local TUF cache, which starts as the root embedded
in the sigstore package, without touching the network. Every check of the run then reads
that copy. A trust root that cannot be had is :class:`CouldNotCheck` (exit 2), never a
failed verification (exit 1): a script must be able to tell "not verified" from "could
not check".
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import sigstore.errors
from cryptography import x509
from cryptography.x509 import Certificate
from pydantic import ValidationError
from pypi_attestations import Attestation
from pypi_attestations import AttestationError
from pypi_attestations import Distribution
from pypi_attestations import GitHubPublisher
from pypi_attestations import Provenance
from sigstore.models import Bundle
from sigstore.models import ClientTrustConfig
from sigstore.verify import policy as sigstore_policy
from sigstore.verify import Verifier

from eco.errors import EcoError

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
IN_TOTO = "application/vnd.in-toto+json"
# Fulcio's certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md)
BUILD_SIGNER_URI = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.9")
SOURCE_REPOSITORY_URI = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.12")
SOURCE_REPOSITORY_REF = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.14")
BUILD_CONFIG_URI = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.18")


# sigstore's production TUF repository, where its trust root is refreshed from.
TUF_URL = "https://tuf-repo-cdn.sigstore.dev"


class VerifyInputError(EcoError):
    """A provenance or bundle file that cannot be read at all (bad input: exit 2)."""


class CouldNotCheck(EcoError):
    """Nothing could be verified (no trust root, no network): exit 2, not "not verified"."""


# The accepted forms of --workflow: a file of the repository, or a reusable workflow.
_WORKFLOW_FILE = re.compile(r"^(?:\./)?(?:\.github/workflows/)?([^/]+\.ya?ml)$")
_REUSABLE = re.compile(r"^[^/]+/[^/]+/\.github/workflows/[^/]+\.ya?ml$")


def workflow_name(value: str) -> str:
    """``release.yml``, ``.github/workflows/release.yml`` (the path GitHub shows) ->
    ``release.yml``; ``OWNER/REPO/.github/workflows/FILE`` is kept; anything else is bad
    input naming the accepted forms."""
    match = _WORKFLOW_FILE.match(value)
    if match:
        return match.group(1)
    if _REUSABLE.match(value):
        return value
    raise EcoError(
        f"--workflow {value!r}: expected a workflow file of the repository (release.yml or "
        ".github/workflows/release.yml) or a reusable workflow "
        "(OWNER/REPO/.github/workflows/FILE)"
    )


@dataclass(frozen=True)
class Trust:
    """sigstore's trust root for one run, from :func:`load_trust`."""

    verifier: Verifier
    refreshed: bool  # False: the local copy, as --offline asks


def trust_root_copy(url: str = TUF_URL) -> Path:
    """Where sigstore keeps its local copy of the trust root for ``url`` (its TUF cache)."""
    cache = Path(platformdirs.user_cache_dir("sigstore-python", "sigstore"))
    return cache / "tuf" / urllib.parse.quote(url, safe="") / "trusted_root.json"


def load_trust(*, offline: bool) -> Trust:
    """Refresh sigstore's trust root over TUF (or, ``offline``, read the local copy).

    A refresh updates the local copy, which every check of the run then reads offline:
    one run makes one round of TUF requests, however many files it verifies."""
    try:
        with _quiet_tuf():
            config = ClientTrustConfig.from_tuf(TUF_URL, offline=offline)
            verifier = Verifier(trusted_root=config.trusted_root)
    except sigstore.errors.TUFError as exc:
        raise CouldNotCheck(
            f"could not check: sigstore's trust root cannot be refreshed from {TUF_URL} "
            f"({_cause(exc)}); --offline uses the trust root embedded in sigstore instead"
        ) from None
    except (OSError, ValueError) as exc:
        raise CouldNotCheck(
            f"could not check: sigstore's trust root {trust_root_copy()} cannot be read "
            f"({_first_line(exc)}); remove it to start again from the root embedded in sigstore"
        ) from None
    return Trust(verifier, refreshed=not offline)


def _cause(exc: BaseException) -> str:
    """What went wrong under a TUF error: the download, and its root cause."""
    chain: list[BaseException] = []
    current: BaseException | None = exc.__cause__ or exc.__context__
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.__cause__ or current.__context__
    if not chain:
        return str(exc)
    if len(chain) == 1:
        return _first_line(chain[0])
    return f"{_first_line(chain[0])}: {_first_line(chain[-1])}"


def _first_line(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):  # pydantic: the first error, without its long help text
        try:
            first = errors()[0]
            return str(first.get("msg", exc))
        except (TypeError, IndexError, AttributeError):
            pass
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class Expected:
    """Who must have published: a GitHub repository and workflow (and environment)."""

    repository: str
    workflow: str
    environment: str | None = None  # None or "": not checked
    ref: str | None = None  # bundles only: the git ref the workflow ran on

    def describe(self) -> str:
        env = f", environment {self.environment}" if self.environment else ""
        ref = f" at {self.ref}" if self.ref else ""
        return f"{self.repository} {self.workflow}{ref}{env}"

    @property
    def workflow_uri(self) -> str:
        """``release.yml`` is a file of the repository; ``owner/repo/.github/workflows/x``
        names a (reusable) workflow anywhere."""
        if "/" in self.workflow:
            return f"https://github.com/{self.workflow}"
        return f"https://github.com/{self.repository}/.github/workflows/{self.workflow}"


@dataclass(frozen=True)
class Result:
    filename: str
    ok: bool
    detail: str


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@contextmanager
def _quiet_tuf() -> Iterator[None]:
    """sigstore logs a warning for every offline trust-root load; eco reports it once."""
    logger = logging.getLogger("sigstore._internal.tuf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _utf8_der(raw: bytes) -> str:
    """Decode a DER UTF8String (tag 0x0C), as Fulcio writes its extension values."""
    if len(raw) < 2 or raw[0] != 0x0C:
        return raw.decode("utf-8", errors="replace")
    length, offset = raw[1], 2
    if length & 0x80:
        size = length & 0x7F
        length, offset = int.from_bytes(raw[2 : 2 + size], "big"), 2 + size
    return raw[offset : offset + length].decode("utf-8", errors="replace")


def claim(cert: Certificate, oid: x509.ObjectIdentifier) -> str | None:
    try:
        value = cert.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
    return _utf8_der(raw)


def _without_ref(uri: str | None) -> str:
    return (uri or "").split("@", 1)[0]


def mismatch(cert: Certificate, expected: Expected) -> str | None:
    """Name what in the certificate differs from ``expected``, or ``None``."""
    repo_uri = f"https://github.com/{expected.repository}"
    got_repo = claim(cert, SOURCE_REPOSITORY_URI)
    if got_repo != repo_uri:
        return f"repository: expected {expected.repository}, signed in {got_repo or '(none)'}"
    config = claim(cert, BUILD_CONFIG_URI)
    signer = claim(cert, BUILD_SIGNER_URI)
    if expected.workflow_uri not in (_without_ref(config), _without_ref(signer)):
        ran = _without_ref(config).removeprefix(repo_uri + "/.github/workflows/")
        also = (
            f" (signer {signer})" if signer and _without_ref(signer) != _without_ref(config) else ""
        )
        return f"workflow: expected {expected.workflow}, signed by workflow {ran}{also}"
    if expected.ref:
        got_ref = claim(cert, SOURCE_REPOSITORY_REF)
        if got_ref != _full_ref(expected.ref):
            return f"ref: expected {_full_ref(expected.ref)}, signed at {got_ref or '(none)'}"
    return None


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/tags/{ref}"


class GitHubPolicy:
    """A sigstore verification policy: GitHub Actions, this repository, this workflow.

    The issuer is checked by sigstore's own policy; the rest by :func:`mismatch`, whose
    message names the claim that differs.
    """

    def __init__(self, expected: Expected) -> None:
        self.expected = expected
        self._issuer = sigstore_policy.OIDCIssuerV2(GITHUB_ISSUER)

    def verify(self, cert: Certificate) -> None:
        self._issuer.verify(cert)
        problem = mismatch(cert, self.expected)
        if problem:
            raise sigstore.errors.VerificationError(problem)


# PyPI provenance


def load_provenance(path: Path) -> Provenance:
    try:
        return Provenance.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise VerifyInputError(f"{path}: cannot read: {exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise VerifyInputError(
            f"{path}: not a PEP 740 provenance document ({where}: {first['msg']})"
        ) from None


def verify_provenance(
    provenance: Provenance, dist: Path, expected: Expected, *, trust: Trust
) -> Result:
    """Every attestation of ``provenance`` must verify for ``dist`` against ``expected``.

    pypi-attestations reads sigstore's local copy of the trust root, which ``trust``
    loaded (refreshed, unless offline) for this run."""
    distribution = Distribution.from_file(dist)
    publisher = GitHubPublisher(repository=expected.repository, workflow=expected.workflow)
    count = 0
    for bundle in provenance.attestation_bundles:
        claimed = bundle.publisher
        if expected.environment:
            environment = getattr(claimed, "environment", None)
            if environment != expected.environment:
                return Result(
                    dist.name,
                    False,
                    f"environment: expected {expected.environment}, "
                    f"the publisher's is {environment or '(none)'}",
                )
        for attestation in bundle.attestations:
            problem = _verify_attestation(attestation, publisher, distribution, expected)
            if problem:
                return Result(dist.name, False, problem)
            count += 1
    if not count:
        return Result(dist.name, False, "the provenance holds no attestation")
    kind = getattr(provenance.attestation_bundles[0].publisher, "kind", "?")
    return Result(dist.name, True, f"{count} attestation(s), {kind} {expected.describe()}")


def _verify_attestation(
    attestation: Attestation,
    publisher: GitHubPublisher,
    distribution: Distribution,
    expected: Expected,
) -> str | None:
    try:
        with _quiet_tuf():
            attestation.verify(publisher, distribution, offline=True)
    except AttestationError as exc:
        message = str(exc).removeprefix("Verification failed: ")
        try:
            cert = attestation.to_bundle().signing_certificate
        except AttestationError:
            return message
        return mismatch(cert, expected) or message
    # Verified for the publisher; what pypi-attestations does not check (the ref) is here.
    return mismatch(attestation.to_bundle().signing_certificate, expected)


# Sigstore bundles


def load_bundle(path: Path) -> Bundle:
    try:
        return Bundle.from_json(path.read_bytes())
    except OSError as exc:
        raise VerifyInputError(f"{path}: cannot read: {exc.strerror}") from None
    except (sigstore.errors.Error, ValueError) as exc:
        raise VerifyInputError(f"{path}: not a Sigstore bundle: {exc}") from None


def verify_bundle(bundle: Bundle, dist: Path, expected: Expected, *, trust: Trust) -> Result:
    """Verify a message-signature or DSSE (in-toto) bundle for ``dist``."""
    policy = GitHubPolicy(expected)
    check = trust.verifier
    try:
        if bundle._dsse_envelope is not None:  # the public API has no other way to tell
            kind, payload = check.verify_dsse(bundle, policy)
            return _check_statement(kind, payload, dist, expected)
        check.verify_artifact(dist.read_bytes(), bundle, policy)
    except sigstore.errors.VerificationError as exc:
        return Result(dist.name, False, str(exc))
    return Result(dist.name, True, f"message signature, {expected.describe()}")


def _check_statement(kind: str, payload: bytes, dist: Path, expected: Expected) -> Result:
    if kind != IN_TOTO:
        return Result(dist.name, False, f"the envelope carries {kind}, not an in-toto statement")
    try:
        statement = json.loads(payload)
        subjects = [(str(s.get("name", "?")), dict(s["digest"])) for s in statement["subject"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return Result(dist.name, False, "the envelope's in-toto statement is malformed")
    digest = sha256(dist)
    for name, digests in subjects:
        if digests.get("sha256") == digest:
            predicate = statement.get("predicateType", "?")
            return Result(
                dist.name,
                True,
                f"in-toto statement for {name} ({predicate}), {expected.describe()}",
            )
    covered = ", ".join(f"{n} (sha256 {d.get('sha256', '?')[:12]}...)" for n, d in subjects)
    return Result(
        dist.name,
        False,
        f"no subject of the statement has this file's sha256 {digest[:12]}...; it covers {covered}",
    )
