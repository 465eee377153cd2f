"""Learning new good parts in seconds: a memory-bank update from approved false alarms (or good parts added
at onboarding), validated before it goes live, and a one-step rollback.

:meth:`ModelUpdateService.update` takes false-alarm overrides a technician approves (grouped by bank: a
product, or one view of it) and for each bank:

1. embeds the parts with the live model (the runtime that inspects), and adds to the bank the patches it does
   not already cover -- farther than the coverage radius, the bank's own coverage radius (recorded by its
   build) times ``UpdatePolicy.coverage_factor`` -- thinned by greedy k-center, keeping the bank's size limit
   (``station.pipeline.patchcore.bank_update``);
2. recalibrates the scores as the build does: the build's held-out calibration images (the same split of the
   same library images) and a fifth of the new parts are scored against the new bank without the entries
   taken from their own patches;
3. re-validates on the product's held-out good images and its labelled defect images, live model against
   candidate: when the miss rate on the labelled defects would rise by more than
   ``UpdatePolicy.max_miss_increase_pp`` percentage points the update is *refused*, with the reason in plain
   words, and nothing is published (the live files, and so the live scores, stay as they are);
4. otherwise publishes the new bank as a new version of the model files (the retrieval index is carried over;
   the exported CPU runtime too, since the backbone did not change), which the bank cache picks up.

Every update and rollback is a ``model_update`` deployment row and an audit row (both pushed to the centre).
:meth:`rollback` re-points the bank to the version the live one was made from (the model files keep it), so
the scores are exactly the previous ones. The learned overrides are recorded in the bank's description:
:meth:`pending` lists the standing false alarms a bank has not learned yet (nor been built with).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

import cv2
import numpy as np

from station.domain.engine import CancelledError, CancelToken, Progress, ProgressCallback, no_progress
from station.domain.enums import DeploymentStatus, DeploymentType, ImageType, Role
from station.domain.errors import AuthenticationError, NotFoundError, ValidationError
from station.domain.model_update import FalseAlarm, Rates, RollbackResult, UpdatePolicy, UpdateResult, UpdateValidation
from station.domain.users import UserInfo
from station.domain.views import bank_key
from station.pipeline.images.decode import decode_bytes
from station.pipeline.images.preprocessing import prepare
from station.pipeline.patchcore.analysis import bank_preprocessing
from station.pipeline.patchcore.bank import MAP_SCORES, MemoryBank, map_image_score
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.patchcore.scoring import Calibration
from station.pipeline.patchcore.splits import calibration_split
from station.services.engine.export import features_digest
from station.services.engine.ports import FalseAlarmSource, ModelFiles, ModelVersions
from station.services.engine.runtime import BANK_FILE, EXPORT_FILE, BankCache
from station.services.shared.ports import AuditTrail, CatalogReader, DeploymentLog, ObjectStore

UPDATE_ROLES = (Role.MANAGER, Role.ADMIN)  # the technician: supervisor/technician accounts and the admin
NEW_PART_CALIBRATION = 0.2  # the share of the new parts held out to calibrate, as a build holds out a fifth
OWN_PATCH_TOLERANCE = 0.02  # x the coverage radius: a bank entry this close to an image's patch is its own
BATCH = 8
AUDIT_TABLE = "deployments"


@dataclass
class _Part:
    """One image to embed: its key in the object store (or the pixels themselves), id and name."""

    key: str | None
    pixels: np.ndarray | None = None
    image_id: int | None = None
    name: str | None = None
    score: float | None = None  # the live model's normalised score when it inspected the part


def _what(product_code: str, view: str | None) -> str:
    return product_code if view is None else f"{product_code} view {view}"


def _pct(rates: Rates) -> str:
    return "–" if rates.rate is None else f"{100 * rates.rate:.1f} %"


class ModelUpdateService:
    """See the module docstring. Run it on a worker thread (it embeds images and searches banks)."""

    def __init__(self, catalog: CatalogReader, storage: ObjectStore, deployments: DeploymentLog,
                 files: ModelFiles, versions: ModelVersions, cache: BankCache, alarms: FalseAlarmSource,
                 audit: AuditTrail, policy: UpdatePolicy | None = None) -> None:
        self._catalog, self._storage, self._deployments = catalog, storage, deployments
        self._files, self._versions, self._cache, self._alarms, self._audit = files, versions, cache, alarms, audit
        self.policy = policy or UpdatePolicy()
        self.policy.validate()

    # Reading ------------------------------------------------------------------------------------
    def pending(self, product_code: str | None = None) -> list[FalseAlarm]:
        """Standing false alarms not yet in their bank: neither learned by an update of the live version
        nor among the library images its build was made from."""
        alarms = self._alarms.standing(product_code)
        learned: dict[str, tuple[set[int], set[int]]] = {}
        out = []
        for alarm in alarms:
            key = bank_key(alarm.product_code, alarm.view_code)
            if key not in learned:
                learned[key] = self._learned(alarm.product_code, alarm.view_code)
            overrides, built_from = learned[key]
            if alarm.override_id in overrides or (alarm.library_image_id is not None
                                                  and alarm.library_image_id in built_from):
                continue
            out.append(alarm)
        return out

    def _learned(self, product_code: str, view: str | None) -> tuple[set[int], set[int]]:
        meta = self._files.meta(bank_key(product_code, view), BANK_FILE)
        if meta is None:
            return set(), set()
        info = meta.get("info") or {}
        overrides = {int(i) for i in (info.get("update") or {}).get("learned_overrides", [])}
        try:
            product = self._catalog.get_product(product_code)
        except NotFoundError:
            return overrides, set()
        goods = self._catalog.list_images(product.product_id, ImageType.NORMAL.value, view_code=view)
        n = int(info.get("n_images") or 0)
        return overrides, {int(g.image_id) for g in goods[:n]}

    def thumbnail(self, alarm: FalseAlarm, size: int = 96) -> np.ndarray | None:
        """The part's recorded image, at most ``size`` pixels on its longer side (BGR), or None without one."""
        if not alarm.image_key:
            return None
        pixels = decode_bytes(self._storage.get_bytes(alarm.image_key), name=alarm.image_name).pixels
        h, w = pixels.shape[:2]
        scale = size / max(h, w)
        if scale < 1:
            pixels = cv2.resize(pixels, (max(1, round(w * scale)), max(1, round(h * scale))),
                                interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(pixels)

    def rollback_target(self, product_code: str, view: str | None = None) -> str | None:
        """The version a rollback would return to (None when none is kept)."""
        key = bank_key(product_code, view)
        current = self._versions.current_version(key)
        if current is None:
            return None
        meta = self._files.meta(key, BANK_FILE) or {}
        base = ((meta.get("info") or {}).get("update") or {}).get("from_version")
        kept = self._versions.versions(key)
        if base in kept and base != current:
            return str(base)
        older = [v for v in kept if v < current]
        return older[-1] if older else None

    # Updating -----------------------------------------------------------------------------------
    @staticmethod
    def _require_technician(user: UserInfo) -> None:
        if not user.is_active or not user.has_role(*UPDATE_ROLES):
            raise AuthenticationError(f"{user.username} may not change models (technician or admin only)")

    def update(self, override_ids: Sequence[int] | None, user: UserInfo, *, progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None, product_code: str | None = None) -> list[UpdateResult]:
        """Learns the given false-alarm overrides (None: every pending one, of ``product_code`` when given),
        one update per bank. One clear error for an id that is not a pending false alarm."""
        self._require_technician(user)
        pending = self.pending(product_code)
        if override_ids is None:
            chosen = pending
            if not chosen:
                raise ValidationError("there are no approved false alarms waiting to be learned"
                                      + (f" for {product_code}" if product_code else ""))
        else:
            by_id = {a.override_id: a for a in pending}
            missing = [i for i in dict.fromkeys(int(i) for i in override_ids) if i not in by_id]
            if missing:
                raise ValidationError(f"override {missing[0]} is not a false alarm waiting to be learned "
                                      f"(see `station models update --list`)")
            if not override_ids:
                raise ValidationError("choose at least one false alarm to learn")
            chosen = [by_id[i] for i in dict.fromkeys(int(i) for i in override_ids)]
        groups: dict[tuple[str, str | None], list[FalseAlarm]] = {}
        for alarm in chosen:
            groups.setdefault((alarm.product_code, alarm.view_code), []).append(alarm)
        results = []
        for (code, view), alarms in groups.items():
            parts = [_Part(a.image_key, name=a.image_name, score=a.anomaly_score) for a in alarms if a.image_key]
            if not parts:
                raise ValidationError(f"the false alarms of {_what(code, view)} have no recorded image to learn from")
            results.append(self._update(code, view, parts, [a.override_id for a in alarms], user.user_id,
                                        "false_alarms", progress, cancel))
        return results

    def learn_good(self, product_code: str, images: Sequence[np.ndarray], *, view: str | None = None,
                   user_id: int | None = None, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> UpdateResult:
        """Good parts (decoded frames) learned into the live bank the same way (onboarding's "add good parts")."""
        if not images:
            raise ValidationError("no good parts to learn")
        return self._update(product_code, view, [_Part(None, pixels=np.asarray(img)) for img in images], [],
                            user_id, "good_parts", progress, cancel)

    def _update(self, product_code: str, view: str | None, parts: list[_Part], override_ids: list[int],
                user_id: int | None, source: str, progress: ProgressCallback | None,
                cancel: CancelToken | None) -> UpdateResult:
        from station.pipeline.patchcore.bank_update import extend_bank  # noqa: PLC0415 - loads torch

        progress = progress or no_progress
        started = time.perf_counter()
        stages: dict[str, float] = {}
        product = self._catalog.get_product(product_code)
        key = bank_key(product_code, view)
        loaded = self._cache.get(key)  # BankNotBuiltError (one line) when the bank was never built
        bank, model = loaded.bank, loaded.model
        config = self._catalog.get_model_config(product.product_id, view)
        image_threshold = float(config.image_threshold)
        review = float(bank.review_threshold if config.review_threshold is None else config.review_threshold)
        before = self._versions.current_version(key)
        policy = self.policy
        deployment_id = self._deployments.start(
            DeploymentType.MODEL_UPDATE.value, product.product_id,
            {"action": "update", "source": source, "override_ids": override_ids, "n_parts": len(parts),
             "from_version": before, "coverage_factor": policy.coverage_factor,
             "max_miss_increase_pp": policy.max_miss_increase_pp, **({"view": view} if view is not None else {})},
            user_id)
        try:
            result = self._run(product, key, view, bank, model, loaded.handle, parts, override_ids, before,
                               image_threshold, review, deployment_id, progress, cancel, stages, extend_bank,
                               started)
        except CancelledError:
            self._deployments.finish(deployment_id, DeploymentStatus.CANCELLED.value, None, "cancelled")
            raise
        except Exception as exc:
            self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, None, str(exc)[:500])
            raise
        summary = result.to_json()
        if result.accepted:
            self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value, summary)
        else:
            self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, summary,
                                     f"refused: {result.reason}"[:500])
        self._audit.record(AUDIT_TABLE, "INSERT", user_id, {"version": before},
                           {"model_update": "update" if result.accepted else "refused", "product_code": product_code,
                            "view": view, "version": result.version, "override_ids": override_ids,
                            "n_parts": len(parts), "deployment_id": deployment_id, "reason": result.reason})
        return result

    def _embed(self, model: PatchModel, bank: MemoryBank, parts: list[_Part], what: str,
               progress: ProgressCallback, cancel: CancelToken | None) -> np.ndarray:
        """(n, h, w, D) patch features of ``parts``, prepared with the bank's own preprocessing."""
        pre = bank_preprocessing(bank)
        grids = []
        for s in range(0, len(parts), BATCH):
            if cancel:
                cancel.raise_if_cancelled()
            batch = []
            for part in parts[s:s + BATCH]:
                pixels = part.pixels if part.pixels is not None else decode_bytes(
                    self._storage.get_bytes(part.key or ""), name=part.name).pixels
                batch.append(prepare(pixels, pre).pixels)
            grids.append(model.embed(batch).grid)
            progress(Progress("features", min(s + BATCH, len(parts)), len(parts), f"embedding {what}"))
        if not grids:
            return np.zeros((0, 0, 0, model.embedding_dim), np.float32)
        return np.concatenate(grids)

    def _calibration_parts(self, product_id: int, bank: MemoryBank, view: str | None) -> list[_Part]:
        """The images the live bank's scores were calibrated on: recorded by an earlier update, else the
        build's split (``calibration_split``) of the library's good images it was built from."""
        info = bank.info
        recorded = (info.get("update") or {}).get("calibration_images")
        if recorded:
            return [_Part(str(k)) for k in recorded]
        goods = self._catalog.list_images(product_id, ImageType.NORMAL.value, view_code=view)
        n, n_cal = int(info.get("n_images") or 0), int(info.get("n_calibration_images") or 0)
        if n < 3 or n_cal < 1 or len(goods) < n:
            raise ValidationError("the good images this model was built from are no longer all in the library; "
                                  "rebuild the model instead of updating it")
        _, cal = calibration_split(n, n_cal / n, n_cal)
        return [_Part(goods[i].file_path, image_id=int(goods[i].image_id), name=goods[i].file_name) for i in cal]

    def _score(self, model: PatchModel, grid: np.ndarray, handle: Any) -> tuple[list[float], list[np.ndarray]]:
        scores, maps = [], []
        for s in range(0, grid.shape[0], BATCH):
            for raw in model.score_features(grid[s:s + BATCH], handle):
                scores.append(float(raw.image_score))
                maps.append(raw.anomaly_map)
        return scores, maps

    def _run(self, product: Any, key: str, view: str | None, bank: MemoryBank, model: PatchModel, live_handle: Any,
             parts: list[_Part], override_ids: list[int], before: str | None, image_threshold: float,
             review: float, deployment_id: int, progress: ProgressCallback, cancel: CancelToken | None,
             stages: dict[str, float], extend_bank: Callable[..., Any], started: float) -> UpdateResult:
        from station.pipeline.patchcore.bank_update import nearest_in_bank  # noqa: PLC0415 - loads torch
        from station.pipeline.patchcore.coreset import coreset_size  # noqa: PLC0415

        lap = time.perf_counter()

        def stage(name: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            stages[name] = round(now - lap, 3)
            lap = now

        policy = self.policy
        new_grid = self._embed(model, bank, parts, "the new good parts", progress, cancel)
        cal_parts = self._calibration_parts(product.product_id, bank, view)
        cal_grid = self._embed(model, bank, cal_parts, "the calibration images", progress, cancel)
        defect_rows = self._catalog.list_images(product.product_id, ImageType.DEFECT.value, view_code=view)
        defects = [_Part(r.file_path, image_id=int(r.image_id), name=r.file_name) for r in defect_rows]
        defect_grid = self._embed(model, bank, defects, "the labelled defects", progress, cancel)
        stage("features")
        n_new, h, w, dim = new_grid.shape
        cells = h * w
        rows = new_grid.reshape(-1, dim)
        info = dict(bank.info)
        radius_base = info.get("coverage_radius")
        radius = policy.coverage_factor * float(radius_base if radius_base else bank.calibration.pixel_raw_median)
        update_info = dict(info.get("update") or {})
        n_patches_total = int(info.get("n_patches") or bank.features.shape[0]) + int(
            update_info.get("n_patches_added", 0)) + rows.shape[0]
        ratio = float(info.get("coreset_ratio") or 0.1)
        size = int(bank.features.shape[0])
        bound = max(size, coreset_size(n_patches_total, ratio, policy.max_bank_size))
        max_added = max(bound - size, int(policy.max_replaced_fraction * bound))
        progress(Progress("coreset", 0, 1, "adding the patches the model does not cover"))
        ext = extend_bank(bank.features, rows, radius=radius, max_size=bound, max_added=max_added, cancel=cancel)
        progress(Progress("coreset", 1, 1, f"{len(ext.added)} patches added"))
        stage("coreset")
        # calibration as the build does it: held-out images against the bank without their own entries
        _, held_new = calibration_split(n_new, NEW_PART_CALIBRATION, 0) if n_new >= 3 else ([], [])
        held_new = [i for i in held_new if 0 <= i < n_new]
        n_kept = int(ext.kept.size)
        own = np.zeros(ext.features.shape[0], dtype=bool)
        held_set = set(held_new)
        for j, row in enumerate(ext.added):
            if int(row) // cells in held_set:
                own[n_kept + j] = True
        # the live bank's entries taken from the calibration images' own patches (an exact match, within
        # float noise); the kept ones keep that role in the new bank
        tolerance = OWN_PATCH_TOLERANCE * radius
        live_own = np.zeros(bank.features.shape[0], dtype=bool)
        if cal_grid.shape[0]:
            dist, index = nearest_in_bank(cal_grid.reshape(-1, dim), bank.features)
            live_own[index[dist <= tolerance]] = True
        own[:n_kept] = live_own[ext.kept]
        calibration_bank = ext.features[~own] if bool((~own).any()) else ext.features
        cal_handle = model.prepare_bank(calibration_bank, bank.image_score)
        cal_images = np.concatenate([cal_grid, new_grid[held_new]]) if held_new else cal_grid
        if cal_images.shape[0] == 0:
            raise ValidationError("no held-out good images to calibrate the update on; rebuild the model instead")
        raw_scores, maps = self._score(model, cal_images, cal_handle)
        if bank.image_score in MAP_SCORES:
            calibration = Calibration.from_good(np.array([map_image_score(bank.image_score, m) for m in maps]), maps)
        else:
            calibration = Calibration.from_good(np.array(raw_scores), maps)
        stage("calibrate")
        # the live model's own calibration bank for the same held-out good images (before/after alike)
        live_cal_handle = model.prepare_bank(bank.features[~live_own] if bool((~live_own).any()) else bank.features,
                                             bank.image_score)
        old, new = bank.calibration.image, calibration.image

        def normalised(norm: Any, scores: list[float]) -> np.ndarray:
            return np.asarray([float(norm(s)) for s in scores], dtype=np.float64)

        good_before = normalised(old, self._score(model, cal_grid, live_cal_handle)[0])
        good_after = normalised(new, raw_scores[:cal_grid.shape[0]])
        new_handle = model.prepare_bank(ext.features, bank.image_score)
        defect_before = normalised(old, self._score(model, defect_grid, live_handle)[0])
        defect_after = normalised(new, self._score(model, defect_grid, new_handle)[0])
        recorded = [p.score for p in parts]
        if all(r is not None for r in recorded):  # what the live model said when the parts were inspected
            parts_before = np.asarray(recorded, dtype=np.float64)
        else:
            parts_before = normalised(old, self._score(model, new_grid, live_handle)[0])
        parts_after = normalised(new, raw_scores[cal_grid.shape[0]:])
        validation = self._validate(defect_before, defect_after, good_before, good_after, parts_before, parts_after,
                                    defects, image_threshold, review)
        stage("validate")
        version = None
        if validation.accepted:
            progress(Progress("save", 0, 1, "publishing the updated model"))
            new_bank = self._new_bank(bank, ext, calibration, cal_parts, parts, held_new, override_ids, before,
                                      rows.shape[0], radius, deployment_id)
            items = {BANK_FILE: new_bank.to_files()}
            export = self._files.load(key, EXPORT_FILE)
            if export is not None:
                arrays, meta = export
                items[EXPORT_FILE] = (arrays, {**meta, "bank_features_sha256": features_digest(new_bank.features),
                                               "bank_updated_from": before})
            published = self._files.publish(key, items)
            self._cache.invalidate(key)
            version = self._versions.current_version(key)
            progress(Progress("save", 1, 1, f"version {version} is live"))
            del published
            stage("publish")
        return UpdateResult(
            product_code=product.code, view_code=view, deployment_id=deployment_id, accepted=validation.accepted,
            reason=validation.reason, version_before=before, version=version, override_ids=tuple(override_ids),
            n_parts=n_new, n_patches=int(rows.shape[0]), n_uncovered=ext.n_uncovered, n_added=int(ext.added.size),
            n_replaced=int(bank.features.shape[0] - ext.kept.size), bank_size=int(ext.features.shape[0]),
            coverage_radius=radius, seconds=round(time.perf_counter() - started, 3), validation=validation,
            stage_seconds=dict(stages))

    def _validate(self, defect_before: np.ndarray, defect_after: np.ndarray, good_before: np.ndarray,
                  good_after: np.ndarray, parts_before: np.ndarray, parts_after: np.ndarray, defects: list[_Part],
                  image_threshold: float, review: float) -> UpdateValidation:
        limit = self.policy.max_miss_increase_pp
        missed_before = Rates(int((defect_before < review).sum()), int(defect_before.size))
        missed_after = Rates(int((defect_after < review).sum()), int(defect_after.size))
        lost = tuple(int(d.image_id or 0) for d, b, a in zip(defects, defect_before, defect_after, strict=True)
                     if b >= review > a)
        fa_before = Rates(int((good_before >= image_threshold).sum()), int(good_before.size))
        fa_after = Rates(int((good_after >= image_threshold).sum()), int(good_after.size))
        new_before = Rates(int((parts_before >= review).sum()), int(parts_before.size))
        new_after = Rates(int((parts_after >= review).sum()), int(parts_after.size))
        if missed_before.total == 0:
            accepted, reason = True, ("accepted; the product has no labelled defect images, so misses could not be "
                                      "checked")
        else:
            rise = 100.0 * ((missed_after.rate or 0.0) - (missed_before.rate or 0.0))
            if rise > limit + 1e-9:
                accepted = False
                reason = (f"the updated model would miss {missed_after.flagged} of {missed_after.total} labelled "
                          f"defects ({_pct(missed_after)}) where the live model misses {missed_before.flagged} "
                          f"({_pct(missed_before)}): {rise:+.1f} percentage points, more than the allowed "
                          f"{limit:g}; the live model is unchanged")
            else:
                accepted = True
                reason = (f"accepted; labelled defects missed: {missed_before.flagged} of {missed_before.total} "
                          f"before, {missed_after.flagged} after")
        return UpdateValidation(missed_before, missed_after, fa_before, fa_after, new_before, new_after, limit,
                                accepted, reason, lost)

    def _new_bank(self, bank: MemoryBank, ext: Any, calibration: Calibration, cal_parts: list[_Part],
                  parts: list[_Part], held_new: list[int], override_ids: list[int], before: str | None,
                  n_rows: int, radius: float, deployment_id: int) -> MemoryBank:
        """The updated bank: the old description plus what this update learned (cumulative over updates)."""
        info = dict(bank.info)
        previous = dict(info.get("update") or {})
        calibration_keys = [p.key for p in cal_parts if p.key] + [parts[i].key for i in held_new if parts[i].key]
        info["update"] = {
            "from_version": before, "deployment_id": deployment_id,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "learned_overrides": sorted({*previous.get("learned_overrides", []), *override_ids}),
            "n_parts_learned": int(previous.get("n_parts_learned", 0)) + len(parts),
            "n_patches_added": int(previous.get("n_patches_added", 0)) + n_rows,
            "added": int(ext.added.size), "replaced": int(bank.features.shape[0] - ext.kept.size),
            "coverage_radius_used": radius, "calibration_images": calibration_keys,
            "updates": int(previous.get("updates", 0)) + 1,
        }
        info["coreset_size"] = int(ext.features.shape[0])
        info["n_calibration_images"] = len(calibration_keys)
        return replace(bank, features=ext.features, calibration=calibration, info=info)

    # Rolling back -------------------------------------------------------------------------------
    def rollback(self, product_code: str, user: UserInfo, *, view: str | None = None) -> RollbackResult:
        """The previous version live again (its files as they were: the same scores), audited and logged."""
        self._require_technician(user)
        product = self._catalog.get_product(product_code)
        key = bank_key(product_code, view)
        current = self._versions.current_version(key)
        if current is None:
            raise ValidationError(f"{_what(product_code, view)} has no model versions to roll back")
        target = self.rollback_target(product_code, view)
        if target is None:
            raise ValidationError(f"no earlier version of {_what(product_code, view)} is kept on this station to "
                                  f"roll back to")
        deployment_id = self._deployments.start(
            DeploymentType.MODEL_UPDATE.value, product.product_id,
            {"action": "rollback", "from_version": current, "to_version": target,
             **({"view": view} if view is not None else {})}, user.user_id)
        try:
            self._versions.switch(key, target)
        except Exception as exc:
            self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, None, str(exc)[:500])
            raise
        self._cache.invalidate(key)
        result = RollbackResult(product_code, view, deployment_id, current, target)
        self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value, result.to_json())
        self._audit.record(AUDIT_TABLE, "UPDATE", user.user_id, {"version": current},
                           {"model_update": "rollback", "product_code": product_code, "view": view,
                            "version": target, "deployment_id": deployment_id})
        return result
