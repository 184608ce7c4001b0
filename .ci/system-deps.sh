#!/usr/bin/env bash
# The Debian packages the kit needs beyond pip: bubblewrap (the student sandbox), chromium (the
# JupyterLab browser test), dataset-fashion-mnist (the real IDX files) and fortunes-zh (the 300 Tang poems, the
# text corpus of chapters 6 and 10); nothing downloads at run time.
# Installs the missing ones when it can (root with apt-get); otherwise says what to install.
set -euo pipefail
need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -f /usr/share/games/fortunes/tang300 ] || need+=(fortunes-zh)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
else
    echo "warning: missing system packages: ${need[*]}" >&2
    echo "  install them with: sudo apt-get install ${need[*]}" >&2
    echo "  (without bubblewrap, grading needs --no-sandbox; the tests that need them will fail)" >&2
fi
