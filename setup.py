"""Build configuration that pyproject.toml cannot say: `locales/` ships inside the package.

The catalogs stay at the top of the repository, where translators find them; in the wheel
they are the package `bot.locales`, which `bot.i18n` reads. Everything else is in
pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.locales"],
    package_dir={"bot.locales": "locales"},
    package_data={
        "bot": [
            "store/migrations/*.py",
            "store/migrations/*.mako",
            "store/migrations/versions/*.py",
            "standin/schema/*",
            "demo/page/*",
        ],
        "bot.locales": ["*.pot", "*/LC_MESSAGES/*.po"],
    },
)
