// Tests for DXMockServer go here (being written).
