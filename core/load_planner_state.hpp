#pragma once
#include "core/planner_state.hpp"
#include "core/state_store.hpp"

namespace eightsync::core {

/// What the planner reads from `store`, in one go: every link (ordered by HR key), with each
/// pending `eightsync link KEY ID` decision folded in as a link with how == linked, an empty
/// userName and no applied hash (unless KEY already has a link, or the id is linked to another
/// key: then the stored link wins); the keys of `--create-new` decisions that have no link; the
/// last good cycle's counts; and every open manual action of the audit tables (kind, HR key
/// and dedupe_key, oldest first), so the planner neither raises one again nor acts on a key that
/// waits for an operator.
/// `loading` says whether remote_json is read (see state_store::load_links). Throws state_error.
planner_state load_planner_state(const state_store& store, state_store::remote_json_loading loading =
                                                               state_store::remote_json_loading::skip);

}  // namespace eightsync::core
