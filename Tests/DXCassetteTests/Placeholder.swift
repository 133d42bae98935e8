// Tests for DXCassette go here (being written).
