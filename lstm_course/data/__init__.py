"""Data for the course: offline snapshots (sha256-verified) and optional live sources."""

from lstm_course.data.austen import (
    TextDataError,
    TextDownloadError,
    load_austen,
    load_text_file,
    load_text_url,
    split_text,
)
from lstm_course.data.basicmotions import BasicMotionsDataError, load_basicmotions
from lstm_course.data.beijing import BeijingDataError, load_beijing, split_years
from lstm_course.data.bible import BibleDataError, load_bible, load_sentence_pairs
from lstm_course.data.chorales import (
    Chorale,
    ChoraleDataError,
    load_chorales,
    melody_roll,
    melody_tokens,
    melody_vocabulary,
)
from lstm_course.data.digits import (
    DigitClips,
    DigitDataError,
    load_digits,
    load_human_digits,
    load_wav_folder,
    read_wav,
    write_wav,
)
from lstm_course.data.jena import JenaDataError, JenaDownloadError, load_jena
from lstm_course.data.registry import (
    DatasetError,
    dataset_path,
    datasets_dir,
    list_datasets,
    load_manifest,
    verify_all,
)
from lstm_course.data.sentiment import (
    SentimentDataError,
    load_crossdomain,
    load_imdb_live,
    load_mr,
    mr_splits,
)
from lstm_course.data.stocks import (
    DownloadError,
    StockDataError,
    load_stock,
    stock_cache_dir,
)
from lstm_course.data.video_folder import VideoDataError, load_video_folder, read_video
from lstm_course.data.weather import load_seattle_weather

__all__ = [
    "BasicMotionsDataError",
    "BeijingDataError",
    "BibleDataError",
    "Chorale",
    "ChoraleDataError",
    "DatasetError",
    "DigitClips",
    "DigitDataError",
    "DownloadError",
    "JenaDataError",
    "JenaDownloadError",
    "SentimentDataError",
    "StockDataError",
    "TextDataError",
    "TextDownloadError",
    "VideoDataError",
    "dataset_path",
    "datasets_dir",
    "list_datasets",
    "load_austen",
    "load_basicmotions",
    "load_beijing",
    "load_bible",
    "load_chorales",
    "load_crossdomain",
    "load_digits",
    "load_human_digits",
    "load_imdb_live",
    "load_jena",
    "load_manifest",
    "load_mr",
    "load_seattle_weather",
    "load_sentence_pairs",
    "load_stock",
    "load_text_file",
    "load_text_url",
    "load_video_folder",
    "load_wav_folder",
    "melody_roll",
    "melody_tokens",
    "melody_vocabulary",
    "mr_splits",
    "read_video",
    "read_wav",
    "split_text",
    "split_years",
    "stock_cache_dir",
    "verify_all",
    "write_wav",
]
