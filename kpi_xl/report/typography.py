"""Line breaking that respects a language's words where CSS cannot.

Vietnamese writes every syllable as a separate word, so a browser or WeasyPrint may break a line
between the two halves of one word: "chuyển / đổi" (conversion), "chi / phí" (cost). No CSS property
knows Vietnamese word groups (``hyphens`` and ``word-break`` act on letters, not on spaces), so the
syllables of the word groups a report uses are joined with no-break spaces; lines still break
between word groups.

>>> keep_word_groups("Tỷ lệ chuyển đổi của khách hàng", "vi_VN") == "Tỷ\\u00a0lệ chuyển\\u00a0đổi của khách\\u00a0hàng"
True
>>> keep_word_groups("chi phí", "pl_PL")
'chi phí'
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["VIETNAMESE_WORD_GROUPS", "keep_word_groups"]

NBSP = "\u00a0"

# Word groups (từ ghép) of the report's and the e-mail's Vietnamese: KPI names, statuses, headings,
# and the marketing vocabulary of the seed articles. Longer groups first.
VIETNAMESE_WORD_GROUPS = (
    "mạng xã hội", "trò chuyện", "chuyển đổi", "chi phí", "tỷ lệ", "tỷ suất", "tần suất", "khách hàng",
    "doanh thu", "doanh số", "mục tiêu", "chỉ tiêu", "quảng cáo", "hiển thị", "tương tác", "trung bình",
    "dữ liệu", "kế hoạch", "dự báo", "dự kiến", "tiến độ", "đơn hàng", "giỏ hàng", "mua hàng", "bán hàng",
    "giá trị", "thời gian", "thời lượng", "phản hồi", "trạng thái", "báo cáo", "hiệu quả", "tóm tắt",
    "tổng quan", "phụ lục", "định nghĩa", "công thức", "giai đoạn", "chiến dịch", "truy cập", "trang web",
    "rủi ro", "chệch hướng", "hài lòng", "giữ chân", "rời bỏ", "vòng đời", "thu hút", "nhận biết",
    "tham vọng", "thực tế", "lượt nhấp", "nhận xét", "chuyên viên", "phân tích", "cơ sở", "hoàn thành",
    "nhịp độ", "cùng kỳ", "gần nhất", "đầu tiên", "kết thúc", "bắt đầu", "trung lập", "ủng hộ",
    "phản đối", "khảo sát", "lợi nhuận", "hoàn vốn", "bỏ dở", "người dùng", "ứng dụng", "tìm kiếm",
    "quý khách", "trân trọng", "câu hỏi", "đính kèm", "kết quả", "tiến triển", "đánh giá", "giải quyết",
    "liên hệ", "hằng tháng", "chủ yếu", "không thực tế", "đúng tiến độ", "có rủi ro",
    "tiếp cận", "tiếp thị", "số liệu", "chỉ số", "hiệu suất", "điểm sáng", "xem lại", "áp dụng",
)


@cache
def _pattern() -> re.Pattern[str]:
    groups = sorted(VIETNAMESE_WORD_GROUPS, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(g).replace(r"\ ", " ") for g in groups) + r")(?!\w)",
                      re.IGNORECASE)


def keep_word_groups(text: str, locale: str) -> str:
    """``text`` with the syllables of each known word group joined by no-break spaces (Vietnamese;
    other languages are returned as they are)."""
    if not locale.startswith("vi"):
        return text
    return _pattern().sub(lambda m: m.group(0).replace(" ", NBSP), text)
