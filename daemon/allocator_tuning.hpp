#pragma once

namespace eightsync::daemon {

/// Tells glibc's malloc to keep freed memory for the next cycle instead of handing it back to
/// the kernel. Each cycle builds and drops the same large tables (one entry per HR person); by
/// default glibc unmaps them and the next cycle faults every page in again, which costs more
/// than the mapping itself on virtual machines. Peak memory is unchanged. Never throws.
void keep_heap_between_cycles() noexcept;

}  // namespace eightsync::daemon
