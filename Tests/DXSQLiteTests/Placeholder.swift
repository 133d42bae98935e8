// Tests for DXSQLite go here (being written).
