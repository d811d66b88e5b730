"""Memory a step freed goes back to the operating system (the run's peak is the sum over its processes)."""

import ctypes
import gc
import sys

import psutil
import pyarrow as pa
import pytest

from salesaudit.engine.memory import trim_memory

MB = 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident memory as Linux reports it")
def test_freed_arrow_buffers_leave_the_process_after_a_trim():
    process = psutil.Process()
    buffers = [pa.allocate_buffer(MB) for _ in range(300)]  # as a Parquet read leaves them: many, mid-sized
    for buffer in buffers:
        ctypes.memset(buffer.address, 1, buffer.size)  # touched: resident
    del buffers, buffer
    gc.collect()
    freed = process.memory_info().rss  # Arrow's pool keeps what was freed for its next allocation
    trim_memory()
    assert freed - process.memory_info().rss > 150 * MB
