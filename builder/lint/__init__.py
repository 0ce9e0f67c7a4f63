"""Stage 4, lint: translation QA — errors the build refuses, warnings a reviewer should see."""
