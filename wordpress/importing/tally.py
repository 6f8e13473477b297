"""What an import did, by kind, as the summary table the command prints."""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = ["authors", "users", "sections", "tags", "stories", "pages", "comments", "images", "old addresses"]


def fingerprint(*parts) -> str:
    """A hash of what the export says about an object: unchanged fingerprint, nothing to update."""
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class Tally:
    """What the import did, by kind: created, updated, unchanged and skipped (with reasons)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: dict = field(default_factory=lambda: defaultdict(Counter))
    failures: list = field(default_factory=list)
    missing_images: list = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    shortcodes: Counter = field(default_factory=Counter)

    def skip(self, kind: str, reason: str, n: int = 1) -> None:
        self.skipped[kind][reason] += n

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    def rows(self):
        found = set(self.created) | set(self.updated) | set(self.unchanged) | set(self.skipped)
        for kind in KINDS + sorted(found - set(KINDS)):
            skipped = sum(self.skipped[kind].values()) if kind in self.skipped else 0
            if self.created[kind] or self.updated[kind] or self.unchanged[kind] or skipped:
                yield kind, self.created[kind], self.updated[kind], self.unchanged[kind], skipped

    def as_text(self) -> str:
        lines = [f"{'':16}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}"]
        for kind, created, updated, unchanged, skipped in self.rows():
            lines.append(f"{kind:16}{created:>9}{updated:>9}{unchanged:>11}{skipped:>9}")
        reasons = [
            f"  {kind}: {n} {reason}"
            for kind, by_reason in self.skipped.items()
            for reason, n in sorted(by_reason.items(), key=lambda pair: (-pair[1], pair[0]))
        ]
        if reasons:
            lines += ["Skipped:", *reasons]
        if self.notes:
            lines += ["Notes:", *(f"  {n} {note}" for note, n in sorted(self.notes.items()))]
        if self.shortcodes:
            used = ", ".join(f"[{name}] {n}" for name, n in sorted(self.shortcodes.items()))
            lines.append(f"Shortcodes turned into HTML or text: {used}")
        return "\n".join(lines + self._missing_images() + self._failures())

    def _missing_images(self) -> list[str]:
        if not self.missing_images:
            return []
        n = len(self.missing_images)
        lines = [f"Images not found in the media folder ({n}; re-run with --media-dir):"]
        lines += [f"  {name}" for name in self.missing_images[:20]]
        if len(self.missing_images) > 20:
            lines.append(f"  … and {len(self.missing_images) - 20} more")
        return lines

    def _failures(self) -> list[str]:
        if not self.failures:
            return []
        return [f"Failed ({len(self.failures)}):", *(f"  {failure}" for failure in self.failures)]
