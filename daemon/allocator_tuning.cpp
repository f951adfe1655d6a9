#include "daemon/allocator_tuning.hpp"

#include <malloc.h>

namespace eightsync::daemon {

void keep_heap_between_cycles() noexcept {
  // Allocations up to 256 MiB come from the heap (not a fresh mmap each time), and the heap is
  // trimmed only when more than 1 GiB at its top is free.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
}

}  // namespace eightsync::daemon
