"""Last words of names the guidelines never tag (media, courts and offices, associations, schools,
exchanges): shared by the place rules (a place directly followed by such a name is skipped) and the
company veto (``ner.rules.companies.is_non_company``)."""
from __future__ import annotations

# right after a place (no gap): 中国证券网, 中国经济网 (not 经济网络)
_MEDIA_NAMES = ("卫视", "融媒体中心", "新闻社", "证券网(?!络)", "经济网(?!络)", "财经网(?!络)")
_MEDIA_WORDS = ("日报", "晚报", "都市报", "时报", "商报", "证券报", "周刊", "杂志", "电视台", "广播电视台", "新闻网", "网讯")
# A website named for its place and a word or two, where a report, a line break or the end follows its name (中国水网从…获悉,
# 来源：中国医采网⏎, 据湖南网报道, 湖南网记者): not 电网 or …联网, nor 水网, 管网 as words (加快构建湖南水网，), 网球, 网吧
MEDIA_SITE = r"[^\W\d_a-zA-Z、和与及或的电联]{0,2}网(?=[讯从]|\s*(?:获悉|报道|记者|消息|援引|发布)|\s+\S|\s*$)"
_COURT_WORDS = ("厅", "办公室", "法院", "检察院")  # with 局, which the veto treats apart
# Public offices whose long names hold a place (息县公用事业服务中心, 河北省高速公路京雄临时筹建处, 南通市港闸区环境卫生管理处,
# 上海国际仲裁中心): bodies to
# the place rules only (a company may be a 服务中心 too, so the company veto leaves them).
_OFFICE_WORDS = ("服务中心", "管理中心", "仲裁中心", "筹建处", "管理处", "指挥部", "管理办公室", "服务平台")  # 公共资源交易服务平台
_ASSOCIATION_WORDS = ("商会", "协会", "联合会", "学会", "产业联盟")
_SCHOOL_WORDS = ("大学", "学院", "工程院", "科学院", "社会科学院")
# Exchanges and public trading centres (上海证券交易所, 吉林省公共资源交易中心): bodies, not places or firms.
_EXCHANGE_WORDS = ("证券交易所", "交易所", "公共资源交易中心", "产权交易中心", "交易中心")
# The record builder's bodies (``ner.records.build``): a REGION directly followed (within 15 characters)
# by one of these names the body (长沙市政府, 湖南大学), not where a project lies, and a record does not
# use it. Not the rules' lists above: it adds research institutes, alliances, committees and governments
# and leaves out media, courts and exchanges; the rules' lists decide spans and the company veto, this one
# only which regions a record may use, so merging them would change both.
RECORD_BODY_WORDS = ("研究院", "研究所", "大学", "学院", "协会", "商会", "联盟", "委员会", "管委会", "政府")
_alt = "|".join
