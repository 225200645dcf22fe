"""Pricing-table entries as the capacity model's inputs: a models.yaml or gpus.yaml entry as its spec, a
throughput.yaml entry's request shape, and its measured figures carried to another shape.

The engine's resolver reads its self-hosted options' capacity through these, as `tco size` does
(`tco.capacity.sizing`); a problem names the file the value came from (the bundled table or the
user's overlay).
"""

from __future__ import annotations

from tco.capacity.model import GpuSpec, ModelSpec, carry_measured, gpu_spec, model_spec
from tco.errors import TcoError
from tco.pricing.catalog import Catalog, Entry
from tco.pricing.origins import in_its_file


def model_spec_of(entry: Entry) -> ModelSpec:
    """The `ModelSpec` of a models.yaml entry; its problems name the file each field came from."""
    try:
        return model_spec(entry)
    except TcoError as error:
        raise in_its_file(error, entry) from None


def gpu_spec_of(entry: Entry) -> GpuSpec:
    """The `GpuSpec` of a gpus.yaml entry; its problems name the file each field came from."""
    try:
        return gpu_spec(entry)
    except TcoError as error:
        raise in_its_file(error, entry) from None


def measured_shape(entry: Entry) -> tuple[float, float] | None:
    """The request shape (input, output tokens) a throughput.yaml entry's X and Y hold for, when it says.

    Raises TcoError when the entry states one of the two: X and Y for half a shape cannot be carried,
    and using them as they are would silently apply them to any request."""
    at_in, at_out = entry.get("input_tokens"), entry.get("output_tokens")
    if (at_in is None) != (at_out is None):
        given, lacking = ("input_tokens", "output_tokens") if at_out is None else ("output_tokens", "input_tokens")
        raise TcoError.single(entry.origin(given).file, f"states {given} but not {lacking}: the request shape its "
                              "X and Y hold for needs both (or neither, to use them for any request)",
                              field=f"{entry.key}.{lacking}")
    if at_in is None or at_out is None:
        return None
    return float(at_in), float(at_out)


def measured_on(catalog: Catalog, measured: Entry, model: Entry, gpu: Entry) -> tuple[ModelSpec, GpuSpec]:
    """The model and GPU a measured entry describes, for carrying it to another request shape.

    A bundled measurement was taken on the bundled model and GPU, so it is carried with their specs
    even where the user's tables change them (a GPU's bandwidth edited does not change what was
    measured, and must not bend the measured figures); the user's own measurement uses the specs as
    the tables give them after the overlay.
    """
    source = catalog
    if catalog.is_bundled(measured, "input_tokens_per_second") and \
            catalog.is_bundled(measured, "output_tokens_per_second"):
        source = catalog.bundled_only()
    model = source.get("models", model.key) or model
    gpu = source.get("gpus", gpu.key) or gpu
    return model_spec_of(model), gpu_spec_of(gpu)


def carried_figures(catalog: Catalog, measured: Entry, model: Entry, gpu: Entry, precision: str,
                    measured_at: tuple[float, float], request: tuple[float, float]) -> tuple[float, float]:
    """A measured entry's X and Y carried from the shape they hold for to `request`, on the measured
    replica and the hardware it was measured on (`measured_on`). Raises TcoError when the request
    does not fit that replica."""
    n = int(measured.get("gpus_per_replica") or 1)
    layout = str(measured.get("parallelism") or "tp")
    figures = float(measured.get("input_tokens_per_second")), float(measured.get("output_tokens_per_second"))
    return carry_measured(*measured_on(catalog, measured, model, gpu), precision, n, layout, figures, measured_at,
                          request)
