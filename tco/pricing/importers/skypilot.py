"""Import GPU rent prices from a SkyPilot catalog `vms.csv` into gpus.yaml `rent_per_hour.{cloud}`.

SkyPilot (skypilot-org/skypilot-catalog, `catalogs/v8/<cloud>/vms.csv`) lists one row per
instance type and region (and zone). The columns differ by cloud, so the file is read by its
header: `InstanceType`, `AcceleratorName`, `AcceleratorCount` and `Price` are required;
`Region` and `AvailabilityZone` are used when present. Per GPU-hour = instance price / GPU
count. As for the bundled table, each GPU gets the cheapest on-demand price per GPU-hour among
the file's instances (optionally within one `--region`).

GCP lists an accelerator's price on its own row (no InstanceType) and the host VM on another;
SkyPilot adds them. We do the same with the host VM SkyPilot pairs with that accelerator and
count (`a3-highgpu-{n}g` for H100, ...); an accelerator without a known host is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from tco.errors import TcoError
from tco.frozen import frozen
from tco.pricing.catalog import Catalog
from tco.pricing.importers import ImportPlan, PlannedEntry, Selection, plan_entry

# SkyPilot accelerator name -> gpus.yaml key. H100 PCIe instances are not h100-sxm: skipped.
GPU_KEYS = {
    "H100": "h100-sxm", "H100-SXM": "h100-sxm", "H100-80GB": "h100-sxm",
    "H200": "h200", "H200-SXM": "h200", "H200-141GB": "h200",
    "B200": "b200", "A100-80GB": "a100-80gb", "L40S": "l40s", "L4": "l4",
    "MI300X": "mi300x",
}
CLOUDS = ("aws", "azure", "cudo", "do", "fluidstack", "gcp", "hyperbolic", "ibm", "lambda", "nebius", "oci",
          "paperspace", "primeintellect", "runpod", "scp", "seeweb", "shadeform", "vast", "verda", "vsphere")
# GCP host VM per accelerator and count (SkyPilot's pairing).
_GCP_HOSTS = {
    "A100": "a2-highgpu-{n}g", "A100-80GB": "a2-ultragpu-{n}g", "H100": "a3-highgpu-{n}g",
    "H200": "a3-ultragpu-{n}g", "B200": "a4-highgpu-{n}g",
}
_GCP_L4_HOSTS = {1: "g2-standard-4", 2: "g2-standard-24", 4: "g2-standard-48", 8: "g2-standard-96"}
REQUIRED = ("InstanceType", "AcceleratorName", "AcceleratorCount", "Price")


@frozen
class Offer:
    """One instance's on-demand price per GPU-hour (USD)."""

    gpu: str
    instance: str
    region: str
    per_gpu_hour: float


def cloud_of(path: Path, given: str | None) -> str:
    """The cloud a catalog file is for: `--cloud`, else its folder (`.../lambda/vms.csv`)."""
    if given:
        return given.lower()
    folder = path.resolve().parent.name.lower()
    if folder in CLOUDS:
        return folder
    raise TcoError.single(str(path), "cannot tell which cloud this catalog is for from its folder; "
                          "give --cloud (e.g. --cloud lambda)")


def read_offers(text: str, source: str, region: str | None) -> tuple[list[Offer], dict[str, str]]:
    """Every priced GPU instance in a vms.csv, and the accelerators skipped with the reason."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TcoError.single(source, f"not a SkyPilot vms.csv: no column {', '.join(missing)} "
                              f"(found: {', '.join(header) or 'nothing'})", line=1)
    rows = list(reader)
    vms: dict[tuple[str, str, str], float] = {}
    for row in rows:
        if row["InstanceType"] and not row["AcceleratorName"] and _price(row["Price"]) is not None:
            vms[(row["InstanceType"], row.get("Region") or "", row.get("AvailabilityZone") or "")] = \
                _price(row["Price"]) or 0.0
    offers: list[Offer] = []
    skipped: dict[str, str] = {}
    for row in rows:
        name = (row["AcceleratorName"] or "").strip()
        if not name:
            continue
        row_region = row.get("Region") or ""
        if region is not None and row_region != region:
            continue
        key = GPU_KEYS.get(name) or GPU_KEYS.get(name.upper())
        instance = row["InstanceType"] or ""
        if key is None:
            skipped.setdefault(name, "no gpus.yaml entry for this accelerator")
            continue
        if key == "h100-sxm" and "pcie" in instance.lower():
            skipped.setdefault(f"{name} ({instance})", "H100 PCIe is not the h100-sxm entry")
            continue
        count = _count(row["AcceleratorCount"])
        price = _price(row["Price"])
        if count is None:
            skipped.setdefault(name, f"no GPU count for {instance or 'an accelerator row'}")
            continue
        if price is None:
            skipped.setdefault(f"{name} ({instance})", "no on-demand price in the catalog")
            continue
        if not instance:  # GCP: the accelerator alone; add its host VM as SkyPilot does
            host = _gcp_host(name, count)
            vm = vms.get((host, row_region, row.get("AvailabilityZone") or "")) if host else None
            if vm is None and host:
                vm = next((p for (i, r, _), p in vms.items() if i == host and r == row_region), None)
            if vm is None:
                skipped.setdefault(f"{name} x{count} ({row_region})", "no host VM price to add to the accelerator")
                continue
            instance = f"{host} + {count}x {name}"
            price += vm
        offers.append(Offer(key, instance, row_region, price / count))
    return offers, skipped


def _gcp_host(name: str, count: int) -> str | None:
    if name == "L4":
        return _GCP_L4_HOSTS.get(count)
    pattern = _GCP_HOSTS.get(name)
    return pattern.format(n=count) if pattern else None


def _price(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value > 0 and math.isfinite(value) else None


def _count(text: str | None) -> int | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value >= 1 and value.is_integer() else None


def plan_skypilot(path: Path, catalog: Catalog, *, cloud: str, region: str | None, as_of: dt.date,
                  selection: Selection | None = None) -> ImportPlan:
    """What importing the catalog at `path` into gpus.yaml `rent_per_hour.{cloud}` would do."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet may have added a BOM
    except OSError as exc:
        raise TcoError.single(str(path), f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TcoError.single(str(path), "not a text CSV file") from None
    offers, skipped = read_offers(text, str(path), region)
    plan = ImportPlan("gpus", path.name)
    best: dict[str, Offer] = {}
    for offer in offers:
        if offer.gpu not in best or offer.per_gpu_hour < best[offer.gpu].per_gpu_hour:
            best[offer.gpu] = offer
    selection = selection or Selection()
    for key, offer in best.items():
        if not selection.wants(key, cloud):
            continue
        price = float(f"{offer.per_gpu_hour:.10g}")
        fields = {
            "rent_per_hour": {cloud: price},
            "source": f"SkyPilot catalog {path.name} ({cloud}): {offer.instance}"
                      f"{' in ' + offer.region if offer.region else ''}, instance price / GPU count, "
                      f"cheapest on-demand per GPU-hour",
            "as_of": as_of,
        }
        record = f"{offer.instance} {offer.region}".strip()
        plan.entries.append(plan_entry(catalog, "gpus", key, record, fields, selection.only_existing))
    for name, reason in sorted(skipped.items()):
        plan.entries.append(PlannedEntry(name, "skipped", name, reason=reason))
    return plan
