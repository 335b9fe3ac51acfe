"""aidtrack: a humanitarian access tracker."""
