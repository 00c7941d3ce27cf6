"""Convert Light-ASD's PyTorch weights to the int8 ONNX model in ``roughcut/vision/models/``.

Light-ASD (Liao et al., "A Light Weight Model for Active Speaker Detection", CVPR 2023; MIT) scores
whether a face is speaking from 25 fps grayscale 112x112 face crops and 13 MFCCs at 100 frames a
second (4 audio frames per video frame). The network is rebuilt here from the layer shapes of the
authors' definition (``model/*.py`` in their repository) and loaded with their state dict:

- a visual encoder: three blocks, each two branches (3x3 and 5x5 spatial convolutions, then 3- and
  5-frame temporal convolutions) summed and mixed by a 1x1x1 convolution; spatial max pooling
  between blocks and a global spatial max at the end: 128 features a video frame;
- an audio encoder: the same blocks in 2-D over (MFCC, time), time max-pooled by 2 twice, averaged
  over the MFCC axis: 128 features a video frame;
- a backend: audio + visual features, a forward GRU, GELU, a GRU over the reversed sequence, GELU,
  and the authors' audio-visual classifier (``lossAV.FC``): two logits a frame (silent, speaking).

The ONNX graph takes ``audio`` ``(batch, 4 T, 13)`` (MFCCs) and ``video`` ``(batch, T, 112, 112)``
(gray levels 0-255) with T dynamic and returns ``logits`` ``(batch, T, 2)``. Its convolutions are
then quantised to int8 (static, calibrated on six GRID clips): 1.5x less CPU, the same GRID
accuracy. The script checks the SHA-256 of the weights, compares this rebuild with the authors'
own definition, and the float and int8 ONNX models (onnxruntime) with PyTorch, on random and on real
input (a GRID clip), printing the largest absolute differences. It needs PyTorch and onnx (not roughcut's own
dependencies; ``pip install torch==2.13.0 onnx onnxruntime python_speech_features av``)::

    python training/convert_light_asd.py [--weights ava|talkset] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

#: The shared folder beside the checkout (the nearest ancestor holding ``shared/``).
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "models").is_dir()),
    Path(__file__).resolve().parents[2] / "shared",
)
SOURCE = SHARED / "models" / "light-asd" / "source"
MEDIA = SHARED / "media"
WEIGHTS = {
    "ava": (
        "weight/pretrain_AVA_CVPR.model",
        "d44bc3ea7baa8e0946fa3921311714a630ed8b90a1928fab0dbe30d918909317",
    ),
    "talkset": (
        "weight/finetuning_TalkSet.model",
        "efc375833887eefa9d209dc92810e18519b04c3c73ea35a549f2a7f40b7d94d5",
    ),
}
OUT = Path(__file__).resolve().parents[1] / "src" / "roughcut" / "vision" / "models" / "light_asd_int8.onnx"
#: The authors' batch-norm epsilon and their gray-level normalisation (mean, deviation of x / 255).
BN_EPS = 1e-3
GRAY_MEAN, GRAY_STD = 0.4161, 0.1688
FEATURES = 128


def _conv_bn(conv: nn.Module, channels: int, dims: int) -> tuple[nn.Module, nn.Module]:
    norm = (nn.BatchNorm2d if dims == 2 else nn.BatchNorm3d)(channels, eps=BN_EPS)
    return conv, norm


class TwoBranchBlock(nn.Module):
    """Two factorised branches (kernel 3 and 5: one across space or MFCCs, then one across time),
    summed and mixed by a pointwise convolution; every convolution is followed by batch norm and ReLU.

    ``dims`` 3: video ``(B, C, T, H, W)``, the first convolution spatial (stride 2 when ``down``);
    ``dims`` 2: audio ``(B, C, MFCC, T)``, the first convolution across MFCCs. Parameter names are
    those of the authors' state dict (``s_``/``m_`` first, ``t_`` temporal, ``last``).
    """

    def __init__(self, c_in: int, c_out: int, *, dims: int, down: bool = False) -> None:
        super().__init__()
        self.dims = dims
        first = "s" if dims == 3 else "m"
        self.first = first
        for k in (3, 5):
            pad = k // 2
            if dims == 3:
                conv_a = nn.Conv3d(
                    c_in, c_out, (1, k, k), stride=(1, 2, 2) if down else 1, padding=(0, pad, pad), bias=False
                )
                conv_b = nn.Conv3d(c_out, c_out, (k, 1, 1), padding=(pad, 0, 0), bias=False)
            else:
                conv_a = nn.Conv2d(c_in, c_out, (k, 1), padding=(pad, 0), bias=False)
                conv_b = nn.Conv2d(c_out, c_out, (1, k), padding=(0, pad), bias=False)
            a, bn_a = _conv_bn(conv_a, c_out, dims)
            b, bn_b = _conv_bn(conv_b, c_out, dims)
            setattr(self, f"{first}_{k}", a)
            setattr(self, f"bn_{first}_{k}", bn_a)
            setattr(self, f"t_{k}", b)
            setattr(self, f"bn_t_{k}", bn_b)
        mix = nn.Conv3d(c_out, c_out, 1, bias=False) if dims == 3 else nn.Conv2d(c_out, c_out, 1, bias=False)
        self.last, self.bn_last = _conv_bn(mix, c_out, dims)

    def branch(self, x: torch.Tensor, k: int) -> torch.Tensor:
        a = getattr(self, f"{self.first}_{k}")
        bn_a = getattr(self, f"bn_{self.first}_{k}")
        x = torch.relu(bn_a(a(x)))
        return torch.relu(getattr(self, f"bn_t_{k}")(getattr(self, f"t_{k}")(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn_last(self.last(self.branch(x, 3) + self.branch(x, 5))))


class VisualEncoder(nn.Module):
    """``(B, T, 112, 112)`` gray levels -> ``(B, T, 128)``."""

    def __init__(self) -> None:
        super().__init__()
        self.block1 = TwoBranchBlock(1, 32, dims=3, down=True)
        self.block2 = TwoBranchBlock(32, 64, dims=3)
        self.block3 = TwoBranchBlock(64, FEATURES, dims=3)
        self.pool = nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))

    def forward(self, video: torch.Tensor) -> torch.Tensor:
        x = ((video / 255.0 - GRAY_MEAN) / GRAY_STD).unsqueeze(1)
        x = self.pool(self.block1(x))
        x = self.pool(self.block2(x))
        x = self.block3(x)  # (B, C, T, H, W)
        return x.amax(dim=(3, 4)).transpose(1, 2)


class AudioEncoder(nn.Module):
    """``(B, 4 T, 13)`` MFCCs -> ``(B, T, 128)``."""

    def __init__(self) -> None:
        super().__init__()
        self.block1 = TwoBranchBlock(1, 32, dims=2)
        self.block2 = TwoBranchBlock(32, 64, dims=2)
        self.block3 = TwoBranchBlock(64, FEATURES, dims=2)
        self.pool = nn.MaxPool2d((1, 3), stride=(1, 2), padding=(0, 1))  # time only

    def forward(self, mfcc: torch.Tensor) -> torch.Tensor:
        x = mfcc.transpose(1, 2).unsqueeze(1)  # (B, 1, 13, 4T)
        x = self.pool(self.block1(x))
        x = self.pool(self.block2(x))
        x = self.block3(x)  # (B, C, 13, T)
        return x.mean(dim=2).transpose(1, 2)


class TwoWayGRU(nn.Module):
    """A GRU forward in time, GELU, a second GRU backward in time, GELU (the authors' ``BGRU``)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gru_forward = nn.GRU(channels, channels, batch_first=True)
        self.gru_backward = nn.GRU(channels, channels, batch_first=True)
        self.gelu = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.gelu(self.gru_forward(x)[0])
        x = self.gru_backward(torch.flip(x, dims=[1]))[0]
        return self.gelu(torch.flip(x, dims=[1]))


class Classifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.FC = nn.Linear(FEATURES, 2)


class LightASD(nn.Module):
    """The whole audio-visual model: MFCCs and face crops in, two logits (silent, speaking) a frame out."""

    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Module()
        self.model.visualEncoder = VisualEncoder()
        self.model.audioEncoder = AudioEncoder()
        self.model.GRU = TwoWayGRU(FEATURES)
        self.lossAV = Classifier()
        self.lossV = Classifier()  # the visual-only head of training, kept to load the state dict

    def forward(self, audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        fused = self.model.audioEncoder(audio) + self.model.visualEncoder(video)
        return self.lossAV.FC(self.model.GRU(fused))


def load(which: str) -> LightASD:
    relative, expected = WEIGHTS[which]
    path = SOURCE / relative
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise SystemExit(f"{path}: SHA-256 {digest}, expected {expected}")
    state = torch.load(path, map_location="cpu")
    network = LightASD()
    network.load_state_dict({k.replace("module.", ""): v for k, v in state.items()}, strict=True)
    return network.eval()


def authors_network(which: str):
    """The authors' own definition (``source/model``) with the same weights, for the comparison only;
    ``None`` when it cannot be imported."""
    import sys

    sys.path.insert(0, str(SOURCE))
    try:
        from model.Model import ASD_Model
    except ImportError:
        return None
    finally:
        sys.path.remove(str(SOURCE))
    state = torch.load(SOURCE / WEIGHTS[which][0], map_location="cpu")
    original = ASD_Model()
    original.load_state_dict({k[len("model.") :]: v for k, v in state.items() if k.startswith("model.")})
    head = nn.Linear(FEATURES, 2)
    head.load_state_dict({"weight": state["lossAV.FC.weight"], "bias": state["lossAV.FC.bias"]})
    original.eval()

    def run(audio: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        fused = original.forward_audio_visual_backend(
            original.forward_audio_frontend(audio), original.forward_visual_frontend(video)
        )
        return head(fused).reshape(audio.shape[0], -1, 2)

    return run


def grid_input(clip: Path, seconds: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Real input from a GRID clip: MFCCs (python_speech_features, as the authors compute them) and
    centre crops of the face region, gray, 112x112, at 25 fps."""
    import av
    import python_speech_features
    from scipy.signal import resample_poly

    with av.open(str(clip)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        sound = np.concatenate([f.to_ndarray().mean(axis=0) for f in container.decode(stream)])
    sound = resample_poly(sound, 16000, rate) if rate != 16000 else sound
    pcm = np.clip(sound, -1, 1) * 32767
    mfcc = python_speech_features.mfcc(pcm, 16000, numcep=13, winlen=0.025, winstep=0.010)
    frames = []
    with av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            gray = frame.to_ndarray(format="gray")
            h, w = gray.shape
            side = h // 2
            top, left = h // 3, (w - side) // 2
            crop = gray[top : top + side, left : left + side]
            index = (np.arange(112) * side / 112).astype(int)
            frames.append(crop[np.ix_(index, index)])
    video_frames = round(seconds * 25)
    return mfcc[None, : 4 * video_frames].astype(np.float32), np.stack(frames)[None, :video_frames].astype(
        np.float32
    )


def quantise(float_model: Path, out: Path) -> None:
    """Static int8 quantisation of the visual encoder's convolutions (QDQ, per-channel weights), the
    costly part; activation ranges calibrated on 3 s of each of the first six GRID clips (sorted by
    name: the clips the speaking threshold is tuned on; the other five stay held out). The audio
    encoder (cheap, and its MFCC input spans a wide range) stays in float."""
    import tempfile

    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    clips = sorted((MEDIA / "grid").glob("*.mpg"))[:6]
    if not clips:
        raise SystemExit(f"no GRID clips in {MEDIA / 'grid'} to calibrate the int8 model on")

    class Calibration(CalibrationDataReader):
        def __init__(self) -> None:
            self.clips = iter(clips)

        def get_next(self) -> dict | None:
            clip = next(self.clips, None)
            if clip is None:
                return None
            audio, video = grid_input(clip)
            return {"audio": audio, "video": video}

    import contextlib

    # The quantisation tools leave scratch files in the working folder: work in a temporary one.
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        float_model, out = float_model.resolve(), out.resolve()
        prepared = Path(folder) / "prepared.onnx"
        quant_pre_process(str(float_model), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(out),
            Calibration(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["Conv"],
            nodes_to_exclude=[
                n.name for n in onnx.load(str(prepared)).graph.node if n.name.startswith("/audioEncoder/")
            ],
            per_channel=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", choices=sorted(WEIGHTS), default="ava")
    parser.add_argument("--out", type=Path, default=OUT, help="the int8 model (shipped)")
    parser.add_argument("--float-out", type=Path, default=None, help="also keep the float model here")
    args = parser.parse_args()
    import onnxruntime

    network = load(args.weights)
    print(f"{args.weights}: {sum(p.numel() for p in network.parameters()) / 1e6:.2f} M parameters")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    float_model = args.float_out or args.out.with_suffix(".float.onnx")
    example = (torch.randn(1, 100, 13), torch.rand(1, 25, 112, 112) * 255)
    torch.onnx.export(
        network,
        example,
        str(float_model),
        input_names=["audio", "video"],
        output_names=["logits"],
        dynamic_axes={
            "audio": {0: "batch", 1: "audio_frames"},
            "video": {0: "batch", 1: "frames"},
            "logits": {0: "batch", 1: "frames"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantise(float_model, args.out)
    sessions = {
        kind: onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        for kind, path in (("float", float_model), ("int8", args.out))
    }
    generator = torch.Generator().manual_seed(1)
    cases = {
        f"random T={t}": (
            torch.randn(2, 4 * t, 13, generator=generator) * 10,
            torch.rand(2, t, 112, 112, generator=generator) * 255,
        )
        for t in (7, 50, 150)
    }
    clip = MEDIA / "grid" / "bbaf2n.mpg"
    if clip.exists():
        audio, video = grid_input(clip)
        cases[f"real {clip.name} T={video.shape[1]}"] = (torch.from_numpy(audio), torch.from_numpy(video))
    original = authors_network(args.weights)
    for name, (audio, video) in cases.items():
        with torch.no_grad():
            expected = network(audio, video).numpy()
            if original is not None:
                theirs = original(audio, video).numpy()
                gap = np.max(np.abs(theirs - expected))
                print(f"{name}: max abs difference this rebuild vs the authors' definition {gap:.2e}")
        speaking = expected[..., 1] > expected[..., 0]
        for kind, session in sessions.items():
            (found,) = session.run(None, {"audio": audio.numpy(), "video": video.numpy()})
            agree = float(np.mean((found[..., 1] > found[..., 0]) == speaking))
            print(
                f"{name}: max abs difference onnxruntime {kind} vs PyTorch "
                f"{np.max(np.abs(found - expected)):.2e} (logits up to {np.max(np.abs(expected)):.1f}; "
                f"same decision on {agree:.1%} of frames; PyTorch: speaking on {speaking.mean():.0%})"
            )
    if not args.float_out:
        float_model.unlink()
    data = args.out.read_bytes()
    print(f"wrote {args.out} ({len(data) / 1e6:.2f} MB, SHA-256 {hashlib.sha256(data).hexdigest()})")


if __name__ == "__main__":
    main()
