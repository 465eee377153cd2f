-- Several views of one part (db/README.md decision 12): a product may define named views (top, side),
-- each with its own camera source, preprocessing/ROI, thresholds, library images and memory bank. A
-- product without views has one implicit view: every view_code below is NULL for it, as on every row
-- written before this revision.
-- model_configs: a row per view (view_code set) next to the product's own row (view_code NULL).
ALTER TABLE model_configs ADD COLUMN view_code VARCHAR(50);
-- images: the library images a view's bank is built from; test images of a view.
ALTER TABLE images ADD COLUMN view_code VARCHAR(50);
CREATE INDEX idx_images_product_view ON images(product_id, view_code);
-- inspection_results: still one row per part (the part's verdict is the worst of its views, so every
-- count, view and aggregate counts a part once); view_code names the view that decided it and
-- view_results holds every view's own result (verdict, scores, regions, artifact keys, capture skew,
-- error), a JSON array in the views' order.
ALTER TABLE inspection_results ADD COLUMN view_code VARCHAR(50);
ALTER TABLE inspection_results ADD COLUMN view_results JSONB;
COMMENT ON COLUMN model_configs.view_code IS '검사 시점(뷰) 코드; NULL: 제품 자체 설정'; -- pg-only
COMMENT ON COLUMN images.view_code IS '이미지의 검사 시점(뷰) 코드; NULL: 뷰 없음'; -- pg-only
COMMENT ON COLUMN inspection_results.view_code IS '판정을 결정한(가장 나쁜) 뷰; NULL: 뷰 없음'; -- pg-only
COMMENT ON COLUMN inspection_results.view_results IS '뷰별 결과 JSON 배열 (view, verdict, anomaly_score, regions, 산출물 키, skew_ms, error)'; -- pg-only
-- The sync role may update the per-view results of the rows it pushes (as the other result columns).
GRANT UPDATE (view_code, view_results) ON inspection_results TO station_sync; -- pg-only
