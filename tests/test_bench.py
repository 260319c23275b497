"""lstm_course.bench: what it times, in which configuration, and what it refuses.

No test asserts a speed (timings flake on a shared CPU); they check that each side runs in
the configuration the printout names, and that bad input is refused before TensorFlow runs.
"""

import os

import pytest
from threadpoolctl import threadpool_info

from lstm_course import _keras_process, bench
from lstm_course.bench import Timing, compare, keras_time, lstm_flops


def test_flop_count_adds_up_the_matrix_products_of_forward_and_backward():
    B, T, D, H = 64, 100, 32, 128
    forward = 2 * T * B * D * 4 * H + 2 * T * B * H * 4 * H  # x @ W_x.T before the loop, h @ W_h.T
    backward = (
        2 * T * B * 4 * H * H  # dh_{t-1} = dz_t @ W_h, step by step
        + 2 * 4 * H * T * B * (H + D)  # dW = dz.T @ [h_prev, x]
        + 2 * T * B * 4 * H * D  # dx = dz @ W_x
    )
    assert lstm_flops(B, T, D, H) == forward + backward == 3 * forward
    assert lstm_flops(B, T, D, H) == 3_145_728_000


def test_timing_printout_names_each_configuration_and_its_threads():
    timing = Timing((64, 100, 32, 128), 0.05, 0.025, 0.04, keras_threads=2, sgemm_gflops=100.0)
    text = str(timing)
    assert "NumPy, 1 BLAS thread" in text
    assert "Keras, TensorFlow defaults (2 threads)" in text
    assert "Keras, 1 thread (as NumPy)" in text
    assert "NumPy/Keras = 2.00" in text and "NumPy/Keras = 1.25" in text
    assert timing.ratio == 2.0 and timing.ratio_1thread == 1.25
    assert timing.numpy_gflops == pytest.approx(3.145728 / 0.05)
    assert "63% of one-thread sgemm (100 GFLOP/s)" in text
    plain = Timing((2, 3, 2, 4), 0.5, 0.25)  # the optional parts may be missing
    assert plain.ratio_1thread is None and "1 thread (as NumPy)" not in str(plain)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"keras_1thread_s": 0.0}, ValueError, "keras_1thread_s must be a finite number > 0"),
        ({"keras_threads": 0}, ValueError, "keras_threads must be an int >= 1, got 0"),
        ({"sgemm_gflops": "fast"}, TypeError, "sgemm_gflops must be a finite number"),
    ],
)
def test_timing_refuses_bad_optional_parts(kwargs, error, message):
    with pytest.raises(error, match=message):
        Timing((2, 3, 2, 4), 0.5, 0.25, **kwargs)


@pytest.mark.parametrize(
    ("shapes", "error", "message"),
    [
        (None, TypeError, "shapes must be a non-empty list of"),
        ("64 100 32 128", TypeError, "shapes must be a non-empty list of"),
        ([], ValueError, "got an empty list"),
        ([(1, 2, 3)], ValueError, "got 3 numbers as shapes"),
        ([(1, 2, 1, 2), 5], TypeError, r"got int 5 as shapes\[1\]"),
        ([(1, 2, 0, 2)], ValueError, r"shapes\[0\]: features must be an int >= 1, got 0"),
    ],
)
def test_shapes_are_checked_entry_by_entry(shapes, error, message):
    with pytest.raises(error, match=message):
        bench.compare_shapes(shapes, repeats=1)


def test_sizes_are_refused_before_tensorflow_sees_them():
    """keras_step(1, 2, 0, 2)() used to abort Python inside oneDNN (exit 134)."""
    with pytest.raises(ValueError, match="features must be an int >= 1, got 0"):
        bench.keras_step(1, 2, 0, 2)
    with pytest.raises(ValueError, match="features must be an int >= 1, got 0"):
        keras_time(1, 2, 0, 2)
    with pytest.raises(ValueError, match="threads must be an int in"):
        keras_time(1, 2, 1, 2, threads=0)
    with pytest.raises(ValueError, match="units must be an int in"):
        bench.numpy_step(1, 2, 3, 10**6)
    with pytest.raises(ValueError, match="repeats must be an int >= 1, got 0"):
        bench.median_time(lambda: None, 0)
    with pytest.raises(ValueError, match="size must be an int in"):
        bench.sgemm_gflops(size=0)


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_sgemm_rate_is_measured_on_one_thread_and_leaves_blas_as_it_was():
    before = blas_threads()
    assert bench.sgemm_gflops(size=256, repeats=1) > 0
    assert blas_threads() == before


def test_compare_times_both_sides_and_keras_in_tensorflows_default_configuration(monkeypatch):
    """Keras runs in its own process with TensorFlow's defaults, whatever this process set."""
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")  # as lstm_course.setup() used to set
    _keras_process.close_all()  # start fresh processes, which inherit the variable
    timing = compare(2, 3, 2, 4, repeats=1)
    assert timing.numpy_s > 0 and timing.keras_s > 0 and timing.keras_1thread_s > 0
    assert timing.keras_threads == len(os.sched_getaffinity(0))
    assert "NumPy/Keras" in str(timing)
    default = _keras_process._PROCESSES[0].time((2, 3, 2, 4), repeats=1, seed=0)
    assert default["onednn_env"] is None, "oneDNN must be left at TensorFlow's default"
    assert default["deterministic_ops"] is False and default["intra_op"] == 0
    one = _keras_process._PROCESSES[1].time((2, 3, 2, 4), repeats=1, seed=0)
    assert one["intra_op"] == 1 and one["threads"] == 1


def test_a_keras_process_that_died_is_replaced():
    keras_time(1, 2, 1, 2, repeats=1, threads=1)
    worker = _keras_process._PROCESSES[1]
    worker.process.kill()
    worker.process.wait()
    seconds, threads = keras_time(1, 2, 1, 2, repeats=1, threads=1)
    assert seconds > 0 and threads == 1 and _keras_process._PROCESSES[1] is not worker


def test_a_dead_keras_process_is_reported_with_its_output():
    worker = _keras_process._KerasProcess(1)
    worker.process.kill()
    worker.process.wait()
    with pytest.raises(RuntimeError, match="the process timing keras.layers.LSTM stopped"):
        worker.time((1, 2, 1, 2), 1, 0)
    worker.close()


def test_command_line_refuses_bad_arguments_before_timing_anything(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--repeats", "0"])
    assert exit_info.value.code == 2
    assert "--repeats must be an int >= 1, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--shape", "1", "2", "0", "2"])
    assert "features must be an int >= 1, got 0" in capsys.readouterr().err


def test_command_line_prints_every_configuration(capsys):
    assert bench.main(["--shape", "2", "3", "2", "4", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "median of 1 runs each" in out
    assert "TensorFlow defaults" in out and "1 thread (as NumPy)" in out
    assert "of one-thread sgemm" in out
