"""Every screen and dialog the editor defines has a picture: a new screen without a snapshot
test fails here (name it below, beside the test that draws it)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.screen import Screen

import tui.screens

SNAPSHOTS = Path(__file__).resolve().parent / "__snapshots__"
# screen or dialog class -> the snapshot (module/test) that shows it
PICTURES = {
    "SignInScreen": "test_snapshots/test_sign_in_screen",
    "ChallengeScreen": "test_snapshots/test_totp_challenge_screen",
    "AttributesScreen": "test_snapshots/test_attribute_table",
    "EditValue": "test_snapshots/test_edit_dialog_with_a_problem",
    "AddAttribute": "test_snapshots/test_add_dialog_offers_the_custom_prefix",
    "ConfirmSave": "test_snapshots/test_pending_changes_and_save_diff",
    "ViewValue": "test_snapshots/test_whole_value_view",
    "ClientMetadataEditor": "test_snapshots/test_client_metadata_editor",
    "RestoreJournal": "test_snapshots/test_journal_restore_offer",
    "ConfirmQuit": "test_snapshots/test_quit_with_pending_edits_asks",
    "ErrorDetails": "test_snapshots/test_error_details_after_a_refused_save",
    "Help": "test_snapshots/test_help_lists_keys_and_binding_ids",
    "Outbox": "test_snapshots/test_demo_outbox",
    "VerificationScreen": "test_snapshots/test_verification_screen",
    "ConfirmSendCode": "test_snapshots_backend/test_confirm_send_code_dialog",
    "PoolsScreen": "test_snapshots_backend/test_pools_screen",
    "SwitchIdentity": "test_snapshots_backend/test_switch_identity_dialog",
    "UsersScreen": "test_snapshots_backend/test_users_screen",
    "ExportDialog": "test_snapshots_backend/test_export_dialog",
    "BulkScreen": "test_snapshots_backend/test_bulk_screen_validated_file",
}


def screens() -> set[str]:
    """The Screen subclasses defined in tui/screens, whatever module they live in, but for
    the bases others derive from (Dialog, a common base screen): never shown by themselves."""
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(tui.screens.__path__, "tui.screens."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Screen)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    bases = {b for cls in found.values() for b in cls.__mro__[1:]}
    return {name for name, cls in found.items() if cls not in bases}


def test_every_screen_has_a_snapshot():
    missing = sorted(screens() - set(PICTURES))
    assert not missing, f"screens without a snapshot test: {', '.join(missing)}"


def test_every_named_snapshot_exists():
    gone = sorted(name for name in PICTURES if name not in screens())
    assert not gone, f"no longer screens (drop them from PICTURES): {', '.join(gone)}"
    absent = [p for p in PICTURES.values() if not (SNAPSHOTS / f"{p}.svg").is_file()]
    assert not absent, f"snapshots named but not recorded: {absent}"
