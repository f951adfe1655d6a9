#pragma once
#include "core/mapping_result.hpp"
#include "core/planner_state.hpp"
#include "core/state_store.hpp"

namespace eightsync::core {

/// What the planner reads from `store`, in one go: every link (ordered by HR key), with each
/// pending `eightsync link KEY ID` decision folded in as a link with how == linked, an empty
/// userName and no applied hash (unless KEY already has a link, or the id is linked to another
/// key: then the stored link wins); the keys of `--create-new` decisions that have no link; the
/// last good cycle's counts; when the unmanaged index was listed (not its users: see
/// load_unmanaged_index); and every open manual action of the audit tables (kind, HR key
/// and dedupe_key, oldest first), so the planner neither raises one again nor acts on a key that
/// waits for an operator.
/// `loading` says whether remote_json is read (see state_store::load_links). Throws state_error.
planner_state load_planner_state(const state_store& store, state_store::remote_json_loading loading =
                                                               state_store::remote_json_loading::skip);

/// Fills `state.unmanaged` from `store`'s index of unmanaged 8x8 users, but only when it can
/// matter: some active HR row of `desired` has no link in `state` (a new person to match before
/// a create). Returns whether it loaded. Throws state_error.
bool load_unmanaged_index(const state_store& store, const mapping_result& desired, planner_state& state);

}  // namespace eightsync::core
