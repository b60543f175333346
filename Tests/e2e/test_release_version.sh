#!/usr/bin/env bash
# scripts/release-version (the version scripts/build-release names a tarball with): X.Y.Z only from a vX.Y.Z tag on a
# clean HEAD; any other commit, or a changed tree, is 0.0.0-dev+g<hash>[.dirty], never a bare hash; a v-tag that is
# not vX.Y.Z[-PRERELEASE] is an error. Runs on a throwaway git repository in the sandbox's /run.
source "$(dirname "$0")/lib.sh"

repo=/run/release-version-repo
mkdir -p "$repo/scripts"
cp "$EC2SSH_REPO/scripts/release-version" "$repo/scripts/"
cd "$repo"
git_() {
    git -c user.name=test -c user.email=test@example.invalid -c core.excludesFile=/dev/null -c init.defaultBranch=main "$@"
}
version() {
    scripts/release-version 2>/dev/null
}
git_ init -q .
echo one >file
git_ add -A
git_ commit -qm one
first=$(git rev-parse --short=12 HEAD)
assert_eq "0.0.0-dev+g$first" "$(version)" "an untagged commit"

git_ tag -a v1.2.3 -m 'release 1.2.3'
assert_eq 1.2.3 "$(version)" "HEAD at the annotated tag v1.2.3"
echo two >file
assert_eq "0.0.0-dev+g$first.dirty" "$(version)" "HEAD at v1.2.3 with a changed tracked file"
assert_contains "$(scripts/release-version 2>&1 >/dev/null)" "not a release" "the warning for a changed tree"
git_ checkout -q -- file
echo untracked >other
assert_eq 1.2.3 "$(version)" "an untracked file does not make the tree dirty"

git_ add other
git_ commit -qm two
second=$(git rev-parse --short=12 HEAD)
assert_eq "0.0.0-dev+g$second" "$(version)" "a commit after the tag is not the release"

git_ tag v2.0.0-rc.1
assert_eq 2.0.0-rc.1 "$(version)" "a lightweight pre-release tag"

echo three >file
git_ commit -qam three
git_ tag v3
status=0
out=$(scripts/release-version 2>&1) || status=$?
assert_eq 1 "$status" "exit status for the malformed tag v3"
assert_contains "$out" "the tag v3 on HEAD is not vX.Y.Z" "the malformed tag's message"

git_ tag -d v3 >/dev/null
git_ tag other-name
third=$(git rev-parse --short=12 HEAD)
assert_eq "0.0.0-dev+g$third" "$(version)" "a tag that is not a version is ignored"
echo "release-version ok"
