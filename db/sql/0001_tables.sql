-- Central schema, schema_design.md §3 (tables, constraints, indexes, comments), §3.1 role rows,
-- §5.2 indexes and §9.2 audit_logs. Written in PostgreSQL; station/adapters/db/sqlddl.py
-- translates it for the station's local SQLite store (SERIAL, JSONB, BYTEA, regex CHECK).
-- Statements end with ';' at the end of a line. Lines tagged '-- pg-only' are skipped on SQLite.

CREATE TABLE users (
    user_id SERIAL PRIMARY KEY,
    username VARCHAR(50) UNIQUE NOT NULL,
    email VARCHAR(100) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    full_name VARCHAR(100),
    phone VARCHAR(20),
    is_active BOOLEAN DEFAULT TRUE,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT users_username_check CHECK (LENGTH(username) >= 3),
    CONSTRAINT users_email_check CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$')
);
CREATE INDEX idx_users_username ON users(username);
CREATE INDEX idx_users_email ON users(email);
CREATE INDEX idx_users_is_active ON users(is_active);
COMMENT ON TABLE users IS '사용자 계정 정보'; -- pg-only
COMMENT ON COLUMN users.password_hash IS 'bcrypt 해시된 비밀번호'; -- pg-only

CREATE TABLE roles (
    role_id SERIAL PRIMARY KEY,
    role_name VARCHAR(50) UNIQUE NOT NULL,
    description TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT roles_name_check CHECK (role_name IN ('admin', 'manager', 'worker', 'viewer'))
);
INSERT INTO roles (role_name, description) VALUES
('admin', '시스템 관리자 - 모든 권한'),
('manager', '관리자 - 제품/데이터 관리'),
('worker', '작업자 - 검사 수행'),
('viewer', '열람자 - 조회만 가능');
COMMENT ON TABLE roles IS '사용자 역할 정의'; -- pg-only

CREATE TABLE user_roles (
    user_id INTEGER REFERENCES users(user_id) ON DELETE CASCADE,
    role_id INTEGER REFERENCES roles(role_id) ON DELETE CASCADE,
    assigned_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    assigned_by INTEGER REFERENCES users(user_id),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX idx_user_roles_user ON user_roles(user_id);
CREATE INDEX idx_user_roles_role ON user_roles(role_id);
COMMENT ON TABLE user_roles IS '사용자별 역할 할당'; -- pg-only

CREATE TABLE products (
    product_id SERIAL PRIMARY KEY,
    product_code VARCHAR(50) UNIQUE NOT NULL,
    product_name VARCHAR(100) NOT NULL,
    description TEXT,
    category VARCHAR(50),
    is_active BOOLEAN DEFAULT TRUE,
    created_by INTEGER REFERENCES users(user_id),
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT products_code_check CHECK (LENGTH(product_code) >= 2)
);
CREATE INDEX idx_products_code ON products(product_code);
CREATE INDEX idx_products_active ON products(is_active);
COMMENT ON TABLE products IS '제품 마스터'; -- pg-only
COMMENT ON COLUMN products.product_code IS '제품 코드 (예: prod1, prod2)'; -- pg-only

CREATE TABLE defect_types (
    defect_type_id SERIAL PRIMARY KEY,
    product_id INTEGER REFERENCES products(product_id) ON DELETE CASCADE,
    defect_code VARCHAR(50) NOT NULL,
    defect_name_ko VARCHAR(100) NOT NULL,
    defect_name_en VARCHAR(100),
    full_name_ko VARCHAR(200),
    description TEXT,
    severity_level INTEGER DEFAULT 3,
    is_active BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(product_id, defect_code),
    CONSTRAINT defect_severity_check CHECK (severity_level BETWEEN 1 AND 5)
);
CREATE INDEX idx_defect_types_product ON defect_types(product_id);
CREATE INDEX idx_defect_types_code ON defect_types(defect_code);
CREATE INDEX idx_defect_types_active ON defect_types(is_active);
COMMENT ON TABLE defect_types IS '제품별 불량 유형 정의'; -- pg-only
COMMENT ON COLUMN defect_types.defect_code IS '시스템 내부 코드 (영문)'; -- pg-only
COMMENT ON COLUMN defect_types.severity_level IS '1=경미, 5=치명적'; -- pg-only

CREATE TABLE manuals (
    manual_id SERIAL PRIMARY KEY,
    product_id INTEGER REFERENCES products(product_id) ON DELETE CASCADE,
    manual_title VARCHAR(200) NOT NULL,
    file_name VARCHAR(255) NOT NULL,
    file_path VARCHAR(500) NOT NULL,
    file_size BIGINT,
    file_type VARCHAR(50),
    version VARCHAR(20),
    upload_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    uploaded_by INTEGER REFERENCES users(user_id),
    is_active BOOLEAN DEFAULT TRUE,
    vector_indexed BOOLEAN DEFAULT FALSE,
    indexed_at TIMESTAMP,
    UNIQUE(product_id, version)
);
CREATE INDEX idx_manuals_product ON manuals(product_id);
CREATE INDEX idx_manuals_active ON manuals(is_active);
CREATE INDEX idx_manuals_indexed ON manuals(vector_indexed);
COMMENT ON TABLE manuals IS '제품별 대응 매뉴얼'; -- pg-only
COMMENT ON COLUMN manuals.vector_indexed IS 'RAG 벡터 DB 인덱싱 완료 여부'; -- pg-only

CREATE TABLE manual_sections (
    section_id SERIAL PRIMARY KEY,
    manual_id INTEGER REFERENCES manuals(manual_id) ON DELETE CASCADE,
    defect_type_id INTEGER REFERENCES defect_types(defect_type_id),
    section_type VARCHAR(20) NOT NULL,
    section_title VARCHAR(200),
    section_content TEXT NOT NULL,
    page_number INTEGER,
    chunk_index INTEGER,
    embedding_vector BYTEA,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT section_type_check CHECK (section_type IN ('cause', 'action', 'other'))
);
CREATE INDEX idx_manual_sections_manual ON manual_sections(manual_id);
CREATE INDEX idx_manual_sections_defect ON manual_sections(defect_type_id);
CREATE INDEX idx_manual_sections_type ON manual_sections(section_type);
COMMENT ON TABLE manual_sections IS '매뉴얼 내 섹션 (원인/조치)'; -- pg-only
COMMENT ON COLUMN manual_sections.section_type IS 'cause: 발생원인, action: 조치가이드'; -- pg-only

CREATE TABLE images (
    image_id SERIAL PRIMARY KEY,
    product_id INTEGER REFERENCES products(product_id),
    image_type VARCHAR(20) NOT NULL,
    defect_type_id INTEGER REFERENCES defect_types(defect_type_id),
    file_name VARCHAR(255) NOT NULL,
    file_path VARCHAR(500) NOT NULL,
    file_size BIGINT,
    width INTEGER,
    height INTEGER,
    format VARCHAR(10),
    uploaded_by INTEGER REFERENCES users(user_id),
    uploaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    is_active BOOLEAN DEFAULT TRUE,
    CONSTRAINT image_type_check CHECK (image_type IN ('normal', 'defect', 'test')),
    CONSTRAINT defect_image_check CHECK (
        (image_type = 'defect' AND defect_type_id IS NOT NULL) OR
        (image_type != 'defect' AND defect_type_id IS NULL)
    )
);
CREATE INDEX idx_images_product ON images(product_id);
CREATE INDEX idx_images_type ON images(image_type);
CREATE INDEX idx_images_defect ON images(defect_type_id);
CREATE INDEX idx_images_active ON images(is_active);
COMMENT ON TABLE images IS '이미지 메타데이터'; -- pg-only
COMMENT ON COLUMN images.image_type IS 'normal: 정상, defect: 불량, test: 검사용'; -- pg-only

CREATE TABLE image_metadata (
    metadata_id SERIAL PRIMARY KEY,
    image_id INTEGER REFERENCES images(image_id) ON DELETE CASCADE,
    exif_data JSONB,
    preprocessing_applied JSONB,
    embedding_vector BYTEA,
    quality_score FLOAT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_image_metadata_image ON image_metadata(image_id);
COMMENT ON TABLE image_metadata IS '이미지 상세 메타데이터'; -- pg-only

CREATE TABLE inspections (
    inspection_id SERIAL PRIMARY KEY,
    inspection_code VARCHAR(50) UNIQUE NOT NULL,
    product_id INTEGER REFERENCES products(product_id),
    test_image_id INTEGER REFERENCES images(image_id),
    reference_image_id INTEGER REFERENCES images(image_id),
    inspector_id INTEGER REFERENCES users(user_id),
    inspection_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR(20) DEFAULT 'pending',
    processing_time FLOAT,
    CONSTRAINT inspection_status_check CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled'))
);
CREATE INDEX idx_inspections_product ON inspections(product_id);
CREATE INDEX idx_inspections_inspector ON inspections(inspector_id);
CREATE INDEX idx_inspections_status ON inspections(status);
CREATE INDEX idx_inspections_date ON inspections(inspection_date);
COMMENT ON TABLE inspections IS '검사 세션'; -- pg-only
COMMENT ON COLUMN inspections.inspection_code IS '검사 고유 코드 (예: INS-20251109-0001)'; -- pg-only

CREATE TABLE inspection_results (
    result_id SERIAL PRIMARY KEY,
    inspection_id INTEGER REFERENCES inspections(inspection_id) ON DELETE CASCADE,
    defect_detected BOOLEAN NOT NULL,
    defect_type_id INTEGER REFERENCES defect_types(defect_type_id),
    confidence_score FLOAT,
    anomaly_score FLOAT,
    similarity_score FLOAT,
    heatmap_path VARCHAR(500),
    mask_path VARCHAR(500),
    overlay_path VARCHAR(500),
    comparison_path VARCHAR(500),
    detected_regions JSONB,
    guide_generated BOOLEAN DEFAULT FALSE,
    guide_content TEXT,
    guide_quality_score FLOAT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT confidence_check CHECK (confidence_score BETWEEN 0 AND 1),
    CONSTRAINT anomaly_check CHECK (anomaly_score BETWEEN 0 AND 1),
    CONSTRAINT similarity_check CHECK (similarity_score BETWEEN 0 AND 1)
);
CREATE INDEX idx_results_inspection ON inspection_results(inspection_id);
CREATE INDEX idx_results_defect_type ON inspection_results(defect_type_id);
CREATE INDEX idx_results_detected ON inspection_results(defect_detected);
COMMENT ON TABLE inspection_results IS '검사 결과 상세'; -- pg-only
COMMENT ON COLUMN inspection_results.detected_regions IS '검출된 ROI 영역 정보 (JSON 배열)'; -- pg-only

CREATE TABLE action_logs (
    action_id SERIAL PRIMARY KEY,
    inspection_id INTEGER REFERENCES inspections(inspection_id) ON DELETE CASCADE,
    action_taken TEXT NOT NULL,
    action_result VARCHAR(50),
    action_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    action_by INTEGER REFERENCES users(user_id),
    notes TEXT,
    CONSTRAINT action_result_check CHECK (action_result IN ('resolved', 'pending', 'failed', 'deferred'))
);
CREATE INDEX idx_action_logs_inspection ON action_logs(inspection_id);
CREATE INDEX idx_action_logs_result ON action_logs(action_result);
CREATE INDEX idx_action_logs_date ON action_logs(action_date);
COMMENT ON TABLE action_logs IS '불량 조치 이력'; -- pg-only

CREATE TABLE feedbacks (
    feedback_id SERIAL PRIMARY KEY,
    inspection_id INTEGER REFERENCES inspections(inspection_id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(user_id),
    rating INTEGER NOT NULL,
    feedback_text TEXT,
    feedback_type VARCHAR(50),
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT rating_check CHECK (rating BETWEEN 1 AND 5)
);
CREATE INDEX idx_feedbacks_inspection ON feedbacks(inspection_id);
CREATE INDEX idx_feedbacks_user ON feedbacks(user_id);
CREATE INDEX idx_feedbacks_rating ON feedbacks(rating);
CREATE INDEX idx_feedbacks_type ON feedbacks(feedback_type);
COMMENT ON TABLE feedbacks IS '사용자 피드백'; -- pg-only
COMMENT ON COLUMN feedbacks.rating IS '1: 매우 불만족 ~ 5: 매우 만족'; -- pg-only

CREATE TABLE deployments (
    deployment_id SERIAL PRIMARY KEY,
    deployment_type VARCHAR(50) NOT NULL,
    product_id INTEGER REFERENCES products(product_id),
    status VARCHAR(20) DEFAULT 'pending',
    started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    deployed_by INTEGER REFERENCES users(user_id),
    config_params JSONB,
    result_summary JSONB,
    error_message TEXT,
    CONSTRAINT deployment_type_check CHECK (deployment_type IN ('clip_embedding', 'patchcore_bank', 'rag_indexing', 'model_update')),
    CONSTRAINT deployment_status_check CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX idx_deployments_type ON deployments(deployment_type);
CREATE INDEX idx_deployments_product ON deployments(product_id);
CREATE INDEX idx_deployments_status ON deployments(status);
CREATE INDEX idx_deployments_started ON deployments(started_at);
COMMENT ON TABLE deployments IS '모델 배포 이력'; -- pg-only
COMMENT ON COLUMN deployments.deployment_type IS 'clip_embedding: CLIP 재구축, patchcore_bank: 메모리뱅크 생성'; -- pg-only

CREATE TABLE model_configs (
    config_id SERIAL PRIMARY KEY,
    product_id INTEGER REFERENCES products(product_id),
    model_type VARCHAR(50) NOT NULL,
    config_name VARCHAR(100),
    preprocessing JSONB,
    image_threshold FLOAT DEFAULT 0.85,
    pixel_threshold FLOAT DEFAULT 0.90,
    detection_model VARCHAR(100),
    detection_confidence FLOAT DEFAULT 0.5,
    is_active BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT model_type_check CHECK (model_type IN ('anomaly_detection', 'object_detection', 'hybrid'))
);
CREATE INDEX idx_model_configs_product ON model_configs(product_id);
CREATE INDEX idx_model_configs_type ON model_configs(model_type);
CREATE INDEX idx_model_configs_active ON model_configs(is_active);
COMMENT ON TABLE model_configs IS '제품별 모델 설정'; -- pg-only

CREATE INDEX idx_inspections_product_date ON inspections(product_id, inspection_date DESC);
CREATE INDEX idx_results_inspection_defect ON inspection_results(inspection_id, defect_type_id);
CREATE INDEX idx_detected_regions_gin ON inspection_results USING GIN (detected_regions); -- pg-only
CREATE INDEX idx_config_params_gin ON model_configs USING GIN (preprocessing); -- pg-only

CREATE TABLE audit_logs (
    log_id SERIAL PRIMARY KEY,
    table_name VARCHAR(50),
    operation VARCHAR(10),
    user_id INTEGER,
    old_data JSONB,
    new_data JSONB,
    logged_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_audit_logs_table_time ON audit_logs(table_name, logged_at);
COMMENT ON TABLE audit_logs IS '감사 로그: 도메인 테이블의 INSERT/UPDATE/DELETE (트리거 기록)'; -- pg-only
