// Tests for DXCore go here (being written).
