"""The interface language: Qt translators, the system locale and the user's choice.

The window's strings go through ``tr()``; their Simplified Chinese translation is
``resources/translations/cluster_planner_zh_CN.qm``, built from the ``.ts`` source by
``scripts/build_translations.py``. Installing a translator makes Qt send every widget a
``QEvent.LanguageChange``, and the widgets retranslate themselves in ``changeEvent``:
switching language keeps the open plan, its undo stack, the selection and the file.

The flag messages come from the Qt-free core (:mod:`cluster_planner.text.messages`),
which takes the language as an argument: :func:`current_language` says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from cluster_planner.domain.paths import resources_dir
from cluster_planner.text.messages import Names

TRANSLATIONS_DIR = resources_dir() / "translations"
CATALOGUE = "cluster_planner"
#: What the settings may hold: follow the system, or one of the two languages.
CHOICES = ("system", "zh", "en")

_state: dict[str, object] = {"language": "en", "translators": []}


def system_language() -> str:
    """``zh`` when the system's UI languages put Chinese before English, else ``en``."""
    for name in QLocale.system().uiLanguages():
        lowered = name.lower()
        if lowered.startswith("zh"):
            return "zh"
        if lowered.startswith("en"):
            return "en"
    return "en"


def resolve(choice: str) -> str:
    """The language a settings ``choice`` (``system``, ``zh``, ``en``) stands for."""
    if choice in ("zh", "en"):
        return choice
    return system_language()


def current_language() -> str:
    """The language installed last (``en`` or ``zh``)."""
    return str(_state["language"])


def qm_path(language: str = "zh") -> Path:
    """Where the compiled catalogue of ``language`` lives."""
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{'zh_CN' if language == 'zh' else language}.qm"


def install_language(choice: str) -> str:
    """Install the translators for ``choice`` on the running application.

    Removes the previous translators first; every widget then receives a
    ``LanguageChange`` event. Qt's own strings (standard buttons, file dialogs) follow
    when Qt's Chinese catalogue is installed with PySide6.

    Returns
    -------
    str
        The language now in use, ``zh`` or ``en`` (``en`` when the Chinese catalogue is
        missing, so the interface never shows a half-translated mix).
    """
    application = QCoreApplication.instance()
    language = resolve(choice)
    translators: list[QTranslator] = list(cast(list[QTranslator], _state["translators"]))
    if application is not None:
        for translator in translators:
            application.removeTranslator(translator)
    translators.clear()
    if language == "zh":
        own = QTranslator(application)
        if own.load(str(qm_path("zh"))):
            translators.append(own)
            qt_own = QTranslator(application)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt_own.load("qtbase_zh_CN", qt_dir):
                translators.append(qt_own)
        else:
            language = "en"
    if application is not None:
        for translator in translators:
            application.installTranslator(translator)
    _state["translators"] = translators
    _state["language"] = language
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                       if language == "zh" else QLocale(QLocale.Language.English))
    return language


def other_language(language: str) -> str:
    """The language shown in tooltips next to the active one."""
    return "en" if language == "zh" else "zh"


def document_names(document: object) -> Names:
    """A core :class:`Names` book over a ``PlanDocument`` (its layer, catalog, conditions)."""
    from cluster_planner.text.messages import names_from

    return names_from(
        getattr(document, "layer", None), getattr(document, "catalog", None), _condition_types()
    )


def _condition_types() -> dict | None:
    if "conditions" not in _state:
        from cluster_planner.domain.catalog import load_condition_types
        from cluster_planner.domain.errors import InputError

        try:
            _state["conditions"] = load_condition_types()
        except InputError:  # names are a nicety: the ids stand in without them
            _state["conditions"] = None
    return _state["conditions"]  # type: ignore[return-value]
