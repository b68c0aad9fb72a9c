-- The field form downscales photos on the device to this longest edge (pixels) before upload
-- (docs/field.md); `touchstone tenant field --photo-max-edge`.
ALTER TABLE field_settings
    ADD COLUMN photo_max_edge integer NOT NULL DEFAULT 1600 CHECK (photo_max_edge BETWEEN 200 AND 8000);
