<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ko_KR">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Log action for {0}</source>
        <translation>{0} 조치 기록</translation>
    </message>
    <message>
        <source>Log corrective action</source>
        <translation>조치 기록</translation>
    </message>
    <message>
        <source>What was done (required)</source>
        <translation>수행한 조치 (필수)</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>조치완료</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>보류</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>deferred</source>
        <translation>연기</translation>
    </message>
    <message>
        <source>Action taken</source>
        <translation>조치 내용</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Describe the action taken (at least 3 characters).</source>
        <translation>수행한 조치를 3자 이상 입력하세요.</translation>
    </message>
</context>
<context>
    <name>AddViewDialog</name>
    <message>
        <source>Add a view of {0}</source>
        <translation>{0}의 뷰 추가</translation>
    </message>
    <message>
        <source>A view is another camera on the same part. It starts from the product's own preprocessing and thresholds; build its memory bank from its own good images.</source>
        <translation>뷰는 같은 부품을 보는 또 하나의 카메라입니다. 제품 자체의 전처리와 임계값에서 시작하며, 메모리 뱅크는 그 뷰의 양품 이미지로 생성합니다.</translation>
    </message>
    <message>
        <source>e.g. top, side</source>
        <translation>예: top, side</translation>
    </message>
    <message>
        <source>0, a video file, rtsp://… or an image folder</source>
        <translation>0, 동영상 파일, rtsp://… 또는 이미지 폴더</translation>
    </message>
    <message>
        <source>View code</source>
        <translation>뷰 코드</translation>
    </message>
    <message>
        <source>Camera source</source>
        <translation>카메라 입력</translation>
    </message>
    <message>
        <source>Add view</source>
        <translation>뷰 추가</translation>
    </message>
    <message>
        <source>A view code is 1 to 50 letters, digits, '_' or '-' (e.g. side).</source>
        <translation>뷰 코드는 영문자, 숫자, '_' 또는 '-' 1~50자입니다 (예: side).</translation>
    </message>
    <message>
        <source>{0} already has a view {1}.</source>
        <translation>{0}에는 이미 뷰 {1}이(가) 있습니다.</translation>
    </message>
</context>
<context>
    <name>AdminScreen</name>
    <message>
        <source>Users and roles</source>
        <translation>사용자와 역할</translation>
    </message>
    <message>
        <source>Products and defect types</source>
        <translation>제품과 불량 유형</translation>
    </message>
    <message>
        <source>Image library</source>
        <translation>이미지 라이브러리</translation>
    </message>
    <message>
        <source>Browse library</source>
        <translation>라이브러리 보기</translation>
    </message>
    <message>
        <source>Manuals</source>
        <translation>매뉴얼</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>When</source>
        <translation>일시</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>변경자</translation>
    </message>
    <message>
        <source>What</source>
        <translation>항목</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>변경 내용</translation>
    </message>
    <message>
        <source>the station</source>
        <translation>스테이션</translation>
    </message>
    <message>
        <source>a removed account</source>
        <translation>삭제된 계정</translation>
    </message>
    <message>
        <source>Thresholds and model settings</source>
        <translation>임계값 및 모델 설정</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <source>Line connection</source>
        <translation>라인 연결</translation>
    </message>
    <message>
        <source>User accounts</source>
        <translation>사용자 계정</translation>
    </message>
    <message>
        <source>User roles</source>
        <translation>사용자 역할</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>Defect types</source>
        <translation>불량 유형</translation>
    </message>
    <message>
        <source>Verdict overrides</source>
        <translation>판정 정정</translation>
    </message>
    <message>
        <source>created</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>no value changed</source>
        <translation>변경된 값 없음</translation>
    </message>
    <message>
        <source>{0} (proposal from history: {1})</source>
        <translation>{0} (이력 기반 제안: {1})</translation>
    </message>
    <message>
        <source>{0} (calibration on {1} good and {2} defective images)</source>
        <translation>{0} (양품 {1}장, 불량 {2}장으로 보정)</translation>
    </message>
    <message>
        <source>defect pixels</source>
        <translation>불량 픽셀</translation>
    </message>
    <message>
        <source>preprocessing</source>
        <translation>전처리</translation>
    </message>
    <message>
        <source>input size</source>
        <translation>입력 크기</translation>
    </message>
    <message>
        <source>greyscale</source>
        <translation>흑백</translation>
    </message>
    <message>
        <source>ROI</source>
        <translation>ROI</translation>
    </message>
    <message>
        <source>ignore areas</source>
        <translation>제외 영역</translation>
    </message>
    <message>
        <source>source</source>
        <translation>소스</translation>
    </message>
    <message>
        <source>frame rate</source>
        <translation>프레임 속도</translation>
    </message>
    <message>
        <source>width</source>
        <translation>너비</translation>
    </message>
    <message>
        <source>height</source>
        <translation>높이</translation>
    </message>
    <message>
        <source>exposure</source>
        <translation>노출</translation>
    </message>
    <message>
        <source>roles</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>active</source>
        <translation>활성</translation>
    </message>
    <message>
        <source>name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>이메일</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>판정</translation>
    </message>
    <message>
        <source>override</source>
        <translation>정정</translation>
    </message>
    <message>
        <source>label</source>
        <translation>라벨</translation>
    </message>
    <message>
        <source>inspection</source>
        <translation>검사</translation>
    </message>
    <message>
        <source>defect type</source>
        <translation>불량 유형</translation>
    </message>
    <message>
        <source>by</source>
        <translation>작성자</translation>
    </message>
    <message>
        <source>on</source>
        <translation>켜짐</translation>
    </message>
    <message>
        <source>off</source>
        <translation>꺼짐</translation>
    </message>
</context>
<context>
    <name>AwaitingActionView</name>
    <message>
        <source>Log action…</source>
        <translation>조치 기록…</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>검토…</translation>
    </message>
    <message>
        <source>That inspection is no longer awaiting action.</source>
        <translation>그 검사는 더 이상 조치 대기 중이 아닙니다.</translation>
    </message>
    <message>
        <source>1 defect awaiting action</source>
        <translation>조치 대기 불량 1건</translation>
    </message>
    <message>
        <source>{0} defects awaiting action</source>
        <translation>조치 대기 불량 {0}건</translation>
    </message>
    <message>
        <source>Select a defect first.</source>
        <translation>먼저 불량을 선택하세요.</translation>
    </message>
    <message>
        <source>Action saved for inspection {0}.</source>
        <translation>검사 {0}의 조치를 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>BenchScreen</name>
    <message>
        <source>Waiting for the camera…</source>
        <translation>카메라 연결 대기 중…</translation>
    </message>
    <message>
        <source>Inspect (Space)</source>
        <translation>검사 (Space)</translation>
    </message>
    <message>
        <source>Auto-inspect when the part is still</source>
        <translation>부품이 멈추면 자동 검사</translation>
    </message>
    <message>
        <source>not ready</source>
        <translation>준비 안 됨</translation>
    </message>
    <message>
        <source>Models not ready: {0}. A technician builds the memory bank under Technician › Model builds.</source>
        <translation>모델이 준비되지 않았습니다: {0}. 기술자가 기술자 › 모델 생성에서 메모리 뱅크를 만들어야 합니다.</translation>
    </message>
    <message>
        <source>Inspect is available once the model is built.</source>
        <translation>모델 생성이 끝나면 검사할 수 있습니다.</translation>
    </message>
    <message>
        <source>Press Space or Inspect to check the part in view.</source>
        <translation>Space 키나 검사 버튼을 눌러 화면의 부품을 검사하세요.</translation>
    </message>
    <message>
        <source>still {0}/{1}</source>
        <translation>정지 {0}/{1}</translation>
    </message>
    <message>
        <source>live · {0:.1f} fps</source>
        <translation>실시간 · {0:.1f} fps</translation>
    </message>
    <message>
        <source>camera lost — reconnecting (attempt {0})</source>
        <translation>카메라 끊김 — 재연결 중 ({0}회째)</translation>
    </message>
    <message>
        <source>connecting to the camera…</source>
        <translation>카메라 연결 중…</translation>
    </message>
    <message>
        <source>camera stopped</source>
        <translation>카메라 정지됨</translation>
    </message>
    <message>
        <source>The line changed the product to {0} (was {1}).</source>
        <translation>라인이 제품을 {0}(으)로 바꿨습니다 (이전: {1}).</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>NOT INSPECTED</source>
        <translation>검사 안 됨</translation>
    </message>
    <message>
        <source>The part was not inspected: {0}</source>
        <translation>부품이 검사되지 않았습니다: {0}</translation>
    </message>
    <message>
        <source>The manual excerpts had not arrived when the language changed: "Write again" on the Guide tab fetches them and writes the guide.</source>
        <translation>언어를 바꿀 때 매뉴얼 발췌가 아직 도착하지 않았습니다. 가이드 탭의 "다시 작성"으로 발췌를 가져오고 가이드를 작성합니다.</translation>
    </message>
    <message>
        <source>Guide written before the language changed</source>
        <translation>언어 변경 전에 작성된 가이드</translation>
    </message>
    <message>
        <source>No camera picture yet.</source>
        <translation>아직 카메라 영상이 없습니다.</translation>
    </message>
    <message>
        <source>INSPECTING…</source>
        <translation>검사 중…</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>ERROR</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>PASS: no manual section needed.</source>
        <translation>합격: 매뉴얼 참조가 필요 없습니다.</translation>
    </message>
    <message>
        <source>Manual guidance is not available in this station build.</source>
        <translation>이 스테이션 빌드에는 매뉴얼 가이드 기능이 없습니다.</translation>
    </message>
    <message>
        <source>Writing the guide…</source>
        <translation>가이드 작성 중…</translation>
    </message>
    <message>
        <source>The model is still being built: inspect once it is ready.</source>
        <translation>모델을 아직 생성하고 있습니다. 준비되면 검사하세요.</translation>
    </message>
    <message>
        <source>local LLM {0}</source>
        <translation>로컬 LLM {0}</translation>
    </message>
    <message>
        <source>manual template</source>
        <translation>매뉴얼 기본 템플릿</translation>
    </message>
    <message>
        <source>Guide from {0}</source>
        <translation>가이드 출처: {0}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>중단 중…</translation>
    </message>
    <message>
        <source>Choose a rating from 1 to 5.</source>
        <translation>1~5점 중에서 평점을 선택하세요.</translation>
    </message>
    <message>
        <source>Thank you — feedback saved.</source>
        <translation>감사합니다 — 피드백을 저장했습니다.</translation>
    </message>
    <message>
        <source>READY</source>
        <translation>준비</translation>
    </message>
</context>
<context>
    <name>BenchTools</name>
    <message>
        <source>Line I/O…</source>
        <translation>라인 입출력…</translation>
    </message>
    <message>
        <source>New product from live camera…</source>
        <translation>라이브 카메라로 새 제품…</translation>
    </message>
</context>
<context>
    <name>BuildsView</name>
    <message>
        <source>PatchCore bank and calibration from the good images, then the retrieval index</source>
        <translation>양품 이미지로 PatchCore 뱅크와 보정을 만든 뒤 검색 인덱스를 만듭니다</translation>
    </message>
    <message>
        <source>Build memory bank and retrieval index</source>
        <translation>메모리 뱅크와 검색 인덱스 생성</translation>
    </message>
    <message>
        <source>Index a manual…</source>
        <translation>매뉴얼 인덱싱…</translation>
    </message>
    <message>
        <source>Parse a manual, link its sections to the defect types and index them for retrieval</source>
        <translation>매뉴얼을 분석하여 섹션을 불량 유형에 연결하고 검색용으로 인덱싱합니다</translation>
    </message>
    <message>
        <source>Deployment history</source>
        <translation>배포 이력</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>요약</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>{0} (view {1})</source>
        <translation>{0} (뷰 {1})</translation>
    </message>
    <message>
        <source>Self-configuration: none recorded (the bank was built with a fixed backbone, or not yet).</source>
        <translation>자동 구성: 기록 없음 (고정 백본으로 구축되었거나 아직 구축되지 않음).</translation>
    </message>
    <message>
        <source>Self-configuration: {0}</source>
        <translation>자동 구성: {0}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Self-configuration&lt;/b&gt;: chose &lt;b&gt;{0}&lt;/b&gt; (validation score {1}). Validated on {2} held-out good images, {3} synthetic and {4} labelled defects.</source>
        <translation>&lt;b&gt;자동 구성&lt;/b&gt;: &lt;b&gt;{0}&lt;/b&gt; 선택 (검증 점수 {1}). 보류한 정상 이미지 {2}장, 합성 결함 {3}개, 라벨된 결함 {4}개로 검증했습니다.</translation>
    </message>
    <message>
        <source>candidate</source>
        <translation>후보</translation>
    </message>
    <message>
        <source>score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>image AUROC (synthetic)</source>
        <translation>이미지 AUROC (합성)</translation>
    </message>
    <message>
        <source>pixel AUROC (synthetic)</source>
        <translation>픽셀 AUROC (합성)</translation>
    </message>
    <message>
        <source>image AUROC (labelled)</source>
        <translation>이미지 AUROC (라벨)</translation>
    </message>
    <message>
        <source>false alarms</source>
        <translation>오경보</translation>
    </message>
    <message>
        <source>relative cost</source>
        <translation>상대 비용</translation>
    </message>
    <message>
        <source>misses (labelled)</source>
        <translation>미검출 (라벨된 결함)</translation>
    </message>
    <message>
        <source>validation time</source>
        <translation>검증 시간</translation>
    </message>
    <message>
        <source>Skipped {0}: predicted {1} s with {2} s of the {3} s budget left.</source>
        <translation>{0} 건너뜀: 예상 {1}초, 예산 {3}초 중 남은 시간 {2}초.</translation>
    </message>
    <message>
        <source>Expected at the thresholds (FAIL ≥ {0}, review ≥ {1}):</source>
        <translation>임계값(불합격 ≥ {0}, 재검토 ≥ {1})에서의 예상:</translation>
    </message>
    <message>
        <source>false alarms {0}</source>
        <translation>오경보 {0}</translation>
    </message>
    <message>
        <source>{0} ({1} of {2} {3}; 95 % interval {4}–{5})</source>
        <translation>{0} ({3} {2}개 중 {1}개; 95 % 구간 {4}–{5})</translation>
    </message>
    <message>
        <source>held-out good images</source>
        <translation>보류한 정상 이미지</translation>
    </message>
    <message>
        <source>uncertain {0}</source>
        <translation>판정 보류 {0}</translation>
    </message>
    <message>
        <source>misses {0}</source>
        <translation>미검출 {0}</translation>
    </message>
    <message>
        <source>labelled defects</source>
        <translation>라벨된 결함</translation>
    </message>
    <message>
        <source>misses: not predicted — no labelled defects yet (label some in the library)</source>
        <translation>미검출: 예측하지 않음 — 아직 라벨된 결함이 없습니다 (라이브러리에서 라벨을 지정하세요)</translation>
    </message>
    <message>
        <source>synthetic-defect recall at the review threshold {0} — painted defects, not a prediction for real ones</source>
        <translation>재검토 임계값에서의 합성 결함 검출률 {0} — 그려 넣은 결함이며 실제 결함에 대한 예측이 아닙니다</translation>
    </message>
    <message>
        <source>synthetic defects</source>
        <translation>합성 결함</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>매뉴얼</translation>
    </message>
    <message>
        <source>Manuals (*.docx *.pdf *.md *.txt)</source>
        <translation>매뉴얼 (*.docx *.pdf *.md *.txt)</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Building the bank and index of {0}</source>
        <translation>{0}의 뱅크와 인덱스 생성 중</translation>
    </message>
    <message>
        <source>Indexing the manuals</source>
        <translation>매뉴얼 인덱싱 중</translation>
    </message>
    <message>
        <source>parsing</source>
        <translation>분석 중</translation>
    </message>
    <message>
        <source>{0}: done.</source>
        <translation>{0}: 완료.</translation>
    </message>
    <message>
        <source>{0}: cancelled, nothing was changed.</source>
        <translation>{0}: 취소됨, 변경된 것은 없습니다.</translation>
    </message>
</context>
<context>
    <name>CameraSettingsView</name>
    <message>
        <source>0, a video file, rtsp://… or an image folder</source>
        <translation>0, 동영상 파일, rtsp://… 또는 이미지 폴더</translation>
    </message>
    <message>
        <source>Save view camera</source>
        <translation>뷰 카메라 저장</translation>
    </message>
    <message>
        <source>The station's camera</source>
        <translation>스테이션 카메라</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>폴더…</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>파일…</translation>
    </message>
    <message>
        <source>camera default</source>
        <translation>카메라 기본값</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>loop replay</source>
        <translation>반복 재생</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>입력</translation>
    </message>
    <message>
        <source>Width (px)</source>
        <translation>너비 (px)</translation>
    </message>
    <message>
        <source>Height (px)</source>
        <translation>높이 (px)</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>노출</translation>
    </message>
    <message>
        <source>Replay fps</source>
        <translation>재생 fps</translation>
    </message>
    <message>
        <source>Auto-trigger after still frames</source>
        <translation>자동 검사까지 정지 프레임 수</translation>
    </message>
    <message>
        <source>Stillness tolerance (grey levels)</source>
        <translation>정지 판정 허용치 (밝기 단계)</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>No camera picture</source>
        <translation>카메라 영상 없음</translation>
    </message>
    <message>
        <source>Image folder to replay</source>
        <translation>재생할 이미지 폴더</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>동영상 파일</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)</source>
        <translation>동영상 (*.mp4 *.avi *.mkv *.mov);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Camera of {0}</source>
        <translation>{0}의 카메라</translation>
    </message>
    <message>
        <source>Give the view's camera source.</source>
        <translation>뷰의 카메라 입력을 지정하세요.</translation>
    </message>
    <message>
        <source>Camera of {0} saved: the bench opens it the next time it shows {1}.</source>
        <translation>{0}의 카메라를 저장했습니다: 작업대가 다음에 {1}을(를) 표시할 때 이 카메라를 엽니다.</translation>
    </message>
    <message>
        <source>The saved setting differs: {0}. Apply saves what this form shows.</source>
        <translation>저장된 설정은 다릅니다: {0}. 적용을 누르면 이 양식의 값이 저장됩니다.</translation>
    </message>
    <message>
        <source>camera device {0}</source>
        <translation>카메라 장치 {0}</translation>
    </message>
    <message>
        <source>stream {0}</source>
        <translation>스트림 {0}</translation>
    </message>
    <message>
        <source>replay of the image folder {0} at {1:.1f} fps, each picture held {2} frames</source>
        <translation>이미지 폴더 {0} 재생, {1:.1f} fps, 이미지마다 {2}프레임 유지</translation>
    </message>
    <message>
        <source>replay of the video file {0}</source>
        <translation>동영상 파일 {0} 재생</translation>
    </message>
    <message>
        <source>No camera is running.</source>
        <translation>실행 중인 카메라가 없습니다.</translation>
    </message>
    <message>
        <source>Running now: {0}</source>
        <translation>현재 실행 중: {0}</translation>
    </message>
    <message>
        <source>{0:.1f} frames per second measured</source>
        <translation>측정 {0:.1f} 프레임/초</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>재연결 중</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>Camera settings saved.</source>
        <translation>카메라 설정을 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>CatalogView</name>
    <message>
        <source>Code</source>
        <translation>코드</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Defect types</source>
        <translation>불량 유형</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>분류</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>설명</translation>
    </message>
    <message>
        <source>Save product</source>
        <translation>제품 저장</translation>
    </message>
    <message>
        <source>Retire product</source>
        <translation>제품 사용 중지</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>전체 이름</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>심각도</translation>
    </message>
    <message>
        <source>Defect type</source>
        <translation>불량 유형</translation>
    </message>
    <message>
        <source>1 = minor … 5 = critical</source>
        <translation>1 = 경미 … 5 = 치명적</translation>
    </message>
    <message>
        <source>Korean name</source>
        <translation>한국어 이름</translation>
    </message>
    <message>
        <source>English name</source>
        <translation>영어 이름</translation>
    </message>
    <message>
        <source>Full name (ko)</source>
        <translation>전체 이름 (한국어)</translation>
    </message>
    <message>
        <source>Severity (1-5)</source>
        <translation>심각도 (1-5)</translation>
    </message>
    <message>
        <source>Save defect type</source>
        <translation>불량 유형 저장</translation>
    </message>
    <message>
        <source>Retire defect type</source>
        <translation>불량 유형 사용 중지</translation>
    </message>
    <message>
        <source>Product {0} saved.</source>
        <translation>제품 {0}을(를) 저장했습니다.</translation>
    </message>
    <message>
        <source>Select a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Product {0} retired.</source>
        <translation>제품 {0}의 사용을 중지했습니다.</translation>
    </message>
    <message>
        <source>Defect type {0} saved.</source>
        <translation>불량 유형 {0}을(를) 저장했습니다.</translation>
    </message>
    <message>
        <source>Select a defect type first.</source>
        <translation>먼저 불량 유형을 선택하세요.</translation>
    </message>
    <message>
        <source>Defect type {0} retired.</source>
        <translation>불량 유형 {0}의 사용을 중지했습니다.</translation>
    </message>
</context>
<context>
    <name>ControlChartsView</name>
    <message>
        <source>This station</source>
        <translation>이 스테이션</translation>
    </message>
    <message>
        <source>Charts of</source>
        <translation>관리도 대상</translation>
    </message>
    <message>
        <source>All stations (centre)</source>
        <translation>전체 스테이션 (중앙)</translation>
    </message>
    <message>
        <source>{0} (centre)</source>
        <translation>{0} (중앙)</translation>
    </message>
    <message>
        <source>No scored parts in the last {0} days</source>
        <translation>최근 {0}일간 점수가 있는 부품이 없습니다</translation>
    </message>
    <message>
        <source>No inspections in the last {0} days</source>
        <translation>최근 {0}일 동안 검사가 없습니다</translation>
    </message>
    <message>
        <source>EWMA</source>
        <translation>EWMA</translation>
    </message>
    <message>
        <source>limits</source>
        <translation>관리 한계</translation>
    </message>
    <message>
        <source>centre</source>
        <translation>중심선</translation>
    </message>
    <message>
        <source>Anomaly score EWMA (λ {0}, L {1})</source>
        <translation>이상 점수 EWMA (λ {0}, L {1})</translation>
    </message>
    <message>
        <source>part</source>
        <translation>부품</translation>
    </message>
    <message>
        <source>FAIL + UNCERTAIN</source>
        <translation>불합격 + 판정 보류</translation>
    </message>
    <message>
        <source>p̄</source>
        <translation>p̄</translation>
    </message>
    <message>
        <source>FAIL + UNCERTAIN per shift (p-chart)</source>
        <translation>교대별 불합격 + 판정 보류 비율 (p 관리도)</translation>
    </message>
    <message>
        <source>shift</source>
        <translation>교대</translation>
    </message>
    <message>
        <source>Scores: no parts judged at the current model.</source>
        <translation>점수: 현재 모델로 판정된 부품이 없습니다.</translation>
    </message>
    <message>
        <source>Scores: too few parts at the current model for limits ({0}).</source>
        <translation>점수: 현재 모델로 판정된 부품이 너무 적어 관리 한계를 정할 수 없습니다 ({0}개).</translation>
    </message>
    <message>
        <source>Scores: centre {0}, σ {1} from the first {2} parts at the current model;</source>
        <translation>점수: 현재 모델의 처음 {2}개 부품에서 중심선 {0}, σ {1};</translation>
    </message>
    <message>
        <source>all {0} parts within the limits.</source>
        <translation>{0}개 부품 모두 관리 한계 안에 있습니다.</translation>
    </message>
    <message>
        <source>{0} of {1} parts out of control, first part {2} ({3}).</source>
        <translation>{1}개 중 {0}개 부품이 관리 이탈, 처음은 {2}번째 부품 ({3}).</translation>
    </message>
    <message>
        <source>Shifts: no inspections.</source>
        <translation>교대: 검사가 없습니다.</translation>
    </message>
    <message>
        <source>Shifts (effective verdicts): p̄ {0};</source>
        <translation>교대 (정정 반영 판정): p̄ {0};</translation>
    </message>
    <message>
        <source>all {0} shifts within the limits.</source>
        <translation>{0}개 교대 모두 관리 한계 안에 있습니다.</translation>
    </message>
    <message>
        <source>{0} of {1} shifts out of control: {2}.</source>
        <translation>{1}개 교대 중 {0}개가 관리 이탈: {2}.</translation>
    </message>
    <message>
        <source>Health alerts: not kept by this store.</source>
        <translation>상태 알림: 이 저장소에는 기록되지 않습니다.</translation>
    </message>
    <message>
        <source>Health alerts: none in this period.</source>
        <translation>상태 알림: 이 기간에는 없습니다.</translation>
    </message>
    <message>
        <source>Health alerts: {0}.</source>
        <translation>상태 알림: {0}.</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Inspections</source>
        <translation>검사 수</translation>
    </message>
    <message>
        <source>Defects found</source>
        <translation>불량 검출</translation>
    </message>
    <message>
        <source>Defect rate</source>
        <translation>불량률</translation>
    </message>
    <message>
        <source>UNCERTAIN</source>
        <translation>판정 보류</translation>
    </message>
    <message>
        <source>Awaiting action</source>
        <translation>조치 대기</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>조치 완료</translation>
    </message>
    <message>
        <source>Library images (good / defect)</source>
        <translation>라이브러리 이미지 (양품 / 불량)</translation>
    </message>
    <message>
        <source>Guide rating</source>
        <translation>가이드 평점</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>개요</translation>
    </message>
    <message>
        <source>Control charts</source>
        <translation>관리도</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>스테이션</translation>
    </message>
    <message>
        <source>Per day</source>
        <translation>일일 처리량</translation>
    </message>
    <message>
        <source>UNCERTAIN rate</source>
        <translation>판정 보류율</translation>
    </message>
    <message>
        <source>Pending actions</source>
        <translation>미조치</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>마지막 동기화</translation>
    </message>
    <message>
        <source>Shifts out of control</source>
        <translation>관리 이탈 교대</translation>
    </message>
    <message>
        <source>Shifts of the last {0} days whose FAIL + UNCERTAIN rate is outside the station's p-chart limits</source>
        <translation>최근 {0}일 교대 중 불합격 + 판정 보류 비율이 이 스테이션 p 관리도의 관리 한계를 벗어난 교대</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Defect rate, last {0} days</source>
        <translation>최근 {0}일 불량률</translation>
    </message>
    <message>
        <source>day</source>
        <translation>날짜</translation>
    </message>
    <message>
        <source>defect rate</source>
        <translation>불량률</translation>
    </message>
    <message>
        <source>No inspections in the last {0} days</source>
        <translation>최근 {0}일 동안 검사가 없습니다</translation>
    </message>
    <message>
        <source>Defects by type</source>
        <translation>유형별 불량</translation>
    </message>
    <message>
        <source>No defects recorded</source>
        <translation>기록된 불량이 없습니다</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{1}개 중 {0}개</translation>
    </message>
</context>
<context>
    <name>GuidePanel</name>
    <message>
        <source>Manual</source>
        <translation>매뉴얼</translation>
    </message>
    <message>
        <source>Stop (Esc)</source>
        <translation>중지 (Esc)</translation>
    </message>
    <message>
        <source>Write again</source>
        <translation>다시 작성</translation>
    </message>
    <message>
        <source>Guide</source>
        <translation>가이드</translation>
    </message>
    <message>
        <source>How useful was this result and guide? (keys 1–5 anywhere on the bench)</source>
        <translation>이 결과와 가이드가 얼마나 유용했나요? (검사대 어디서나 1–5 키)</translation>
    </message>
    <message>
        <source>guide quality</source>
        <translation>가이드 품질</translation>
    </message>
    <message>
        <source>detection result</source>
        <translation>검출 결과</translation>
    </message>
    <message>
        <source>other</source>
        <translation>기타</translation>
    </message>
    <message>
        <source>reference and similar cases</source>
        <translation>기준 이미지와 유사 사례</translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation>의견 (선택)</translation>
    </message>
    <message>
        <source>Save feedback</source>
        <translation>피드백 저장</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>피드백</translation>
    </message>
    <message>
        <source>Manual excerpts appear here when a part fails.</source>
        <translation>불합격 부품의 매뉴얼 발췌가 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>Show the other sections too ({0})</source>
        <translation>다른 항목도 보기 ({0})</translation>
    </message>
    <message>
        <source>The manual has no section for this defect.</source>
        <translation>매뉴얼에 이 불량에 대한 항목이 없습니다.</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>발생 원인</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>조치 가이드</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>기타</translation>
    </message>
    <message>
        <source>, page {0}</source>
        <translation>, {0}쪽</translation>
    </message>
</context>
<context>
    <name>HealthAlertsPanel</name>
    <message>
        <source>Acknowledge</source>
        <translation>확인 처리</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>변경 내용</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>View</source>
        <translation>뷰</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>스테이션</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>발생</translation>
    </message>
    <message>
        <source>1 camera or process alert</source>
        <translation>카메라·공정 알림 1건</translation>
    </message>
    <message>
        <source>{0} camera or process alerts</source>
        <translation>카메라·공정 알림 {0}건</translation>
    </message>
    <message>
        <source>Select an alert to see what changed and acknowledge it.</source>
        <translation>알림을 선택하면 변경 내용을 보고 확인 처리할 수 있습니다.</translation>
    </message>
    <message>
        <source>{0} Measured {1:.3g} against {2:.3g} at calibration, after {3} parts.</source>
        <translation>{0} 측정값 {1:.3g}, 보정 때 {2:.3g} (부품 {3}개 관찰 후).</translation>
    </message>
    <message>
        <source>Alert "{0}" of {1} acknowledged.</source>
        <translation>{1}의 "{0}" 알림을 확인 처리했습니다.</translation>
    </message>
</context>
<context>
    <name>HealthBanner</name>
    <message>
        <source>Dismiss for this shift</source>
        <translation>이번 근무조 동안 숨기기</translation>
    </message>
    <message>
        <source>Hides this alert on this bench until the next shift; it stays open for the supervisor.</source>
        <translation>다음 근무조까지 이 작업대에서 알림을 숨깁니다. 관리자에게는 계속 열린 알림으로 남습니다.</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>확인 처리</translation>
    </message>
    <message>
        <source>+{0} more</source>
        <translation>외 {0}건</translation>
    </message>
</context>
<context>
    <name>HistoryProposalsView</name>
    <message>
        <source>current thresholds</source>
        <translation>현재 임계값</translation>
    </message>
    <message>
        <source>false-alarm target</source>
        <translation>오경보 목표</translation>
    </message>
    <message>
        <source>balanced</source>
        <translation>균형</translation>
    </message>
    <message>
        <source>no missed defect</source>
        <translation>미검출 없음</translation>
    </message>
    <message>
        <source>Threshold proposals from labelled outcomes on the line (overrides at the bench, defects confirmed by resolved corrective actions)</source>
        <translation>라인의 판정 확정 결과(검사대 판정 정정, 완료된 조치로 확인된 불량)에 따른 임계값 제안</translation>
    </message>
    <message>
        <source>False-alarm target</source>
        <translation>오경보 목표</translation>
    </message>
    <message>
        <source>Propose</source>
        <translation>제안 보기</translation>
    </message>
    <message>
        <source>Apply selected…</source>
        <translation>선택한 제안 적용…</translation>
    </message>
    <message>
        <source>Select a product to see proposals.</source>
        <translation>제안을 보려면 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>제안</translation>
    </message>
    <message>
        <source>{0} at or above</source>
        <translation>{0} 기준 (이상)</translation>
    </message>
    <message>
        <source>{0} from</source>
        <translation>{0} 시작</translation>
    </message>
    <message>
        <source>Band width</source>
        <translation>구간 폭</translation>
    </message>
    <message>
        <source>Good held</source>
        <translation>보류된 양품</translation>
    </message>
    <message>
        <source>Good / defective</source>
        <translation>양품 / 불량</translation>
    </message>
    <message>
        <source>Labelled defects passed</source>
        <translation>통과될 라벨 불량</translation>
    </message>
    <message>
        <source>These proposals are for the product's own thresholds (its implicit view). The line judges {0} by the thresholds of its views ({1}): calibrate each view under Thresholds and calibration.</source>
        <translation>이 제안은 제품 자체 임계값(기본 뷰)에 대한 것입니다. 라인은 {0}을(를) 각 뷰({1})의 임계값으로 판정합니다: 임계값과 보정에서 뷰마다 보정하세요.</translation>
    </message>
    <message>
        <source>Current: {0} at or above {1:.3f}, {2} from {3}, defect pixels from {4:.3f}</source>
        <translation>현재: {0} 기준 {1:.3f} 이상, {2} {3}부터, 불량 픽셀 {4:.3f}부터</translation>
    </message>
    <message>
        <source>No proposals: {0}. Override verdicts at the bench and log corrective actions as resolved to label more parts.</source>
        <translation>제안 없음: {0}. 더 많은 부품을 확정하려면 검사대에서 판정을 정정하고 조치를 조치완료로 기록하세요.</translation>
    </message>
    <message>
        <source>Rates are what each proposal would have produced on {0} good and {1} defective labelled parts; in brackets their 95% Wilson intervals: the true rate on the line lies in that range. The pixel threshold cannot be learned from part labels and is kept.</source>
        <translation>비율은 라벨된 양품 {0}개와 불량 {1}개에 각 제안을 적용했을 때의 결과입니다. 괄호 안은 95% 윌슨 구간으로, 라인의 실제 비율은 이 범위 안에 있습니다. 픽셀 임계값은 부품 라벨로 학습할 수 없으므로 유지됩니다.</translation>
    </message>
    <message>
        <source>needs at least {0} labelled good parts, have {1}</source>
        <translation>라벨된 양품이 최소 {0}개 필요합니다 (현재 {1}개)</translation>
    </message>
    <message>
        <source>needs at least {0} labelled defective parts, have {1}</source>
        <translation>라벨된 불량품이 최소 {0}개 필요합니다 (현재 {1}개)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>{0} would be {1} ({2})</source>
        <translation>{0}개가 {1} 처리됨 ({2})</translation>
    </message>
    <message>
        <source>Apply '{0}' to {1}? {2} at or above {3:.3f}, {4} from {5:.3f} (band width {6:.3f}). On the labelled parts: false alarms {7}, missed defects {8}. The change is recorded in the change log.</source>
        <translation>'{0}'을(를) {1}에 적용하시겠습니까? {2} 기준 {3:.3f} 이상, {4} {5:.3f}부터 (구간 폭 {6:.3f}). 라벨된 부품 기준: 오경보 {7}, 미검출 {8}. 변경 내용은 변경 기록에 남습니다.</translation>
    </message>
    <message>
        <source>Warning: {0} labelled defects of this period would be {1} with these thresholds (scores {2}).</source>
        <translation>경고: 이 임계값으로는 이 기간의 라벨된 불량 {0}개가 {1} 처리됩니다 (점수 {2}).</translation>
    </message>
    <message>
        <source>False alarms</source>
        <translation>오경보</translation>
    </message>
    <message>
        <source>Missed defects</source>
        <translation>미검출</translation>
    </message>
    <message>
        <source>Looking at the labelled outcomes of {0}…</source>
        <translation>{0}의 확정 결과를 살펴보는 중…</translation>
    </message>
    <message>
        <source>Apply thresholds</source>
        <translation>임계값 적용</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>Thresholds from '{0}' applied to {1}.</source>
        <translation>'{0}' 임계값을 {1}에 적용했습니다.</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Defects only</source>
        <translation>불량만</translation>
    </message>
    <message>
        <source>Overridden only</source>
        <translation>정정된 검사만</translation>
    </message>
    <message>
        <source>Only inspections whose verdict a person overrode</source>
        <translation>사람이 판정을 정정한 검사만 표시</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <source>awaiting action</source>
        <translation>미조치</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>조치중</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>조치완료</translation>
    </message>
    <message>
        <source>good</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>inspector</source>
        <translation>검사자</translation>
    </message>
    <message>
        <source>code or defect</source>
        <translation>코드 또는 불량</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>검색</translation>
    </message>
    <message>
        <source>From</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>to</source>
        <translation>~</translation>
    </message>
    <message>
        <source>Double-click or press Enter to review the inspection</source>
        <translation>두 번 클릭하거나 Enter 키를 눌러 검사를 검토합니다</translation>
    </message>
    <message>
        <source>1 inspection</source>
        <translation>검사 1건</translation>
    </message>
    <message>
        <source>{0} inspections</source>
        <translation>검사 {0}건</translation>
    </message>
    <message>
        <source>Select an inspection first.</source>
        <translation>먼저 검사를 선택하세요.</translation>
    </message>
</context>
<context>
    <name>InspectionReviewDialog</name>
    <message>
        <source>Inspection {0}</source>
        <translation>검사 {0}</translation>
    </message>
</context>
<context>
    <name>InspectionReviewPanel</name>
    <message>
        <source>Loading the inspection…</source>
        <translation>검사 기록을 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading the image…</source>
        <translation>이미지를 불러오는 중…</translation>
    </message>
    <message>
        <source>Loading the reference…</source>
        <translation>기준 이미지를 불러오는 중…</translation>
    </message>
    <message>
        <source>Heatmap (H)</source>
        <translation>히트맵 (H)</translation>
    </message>
    <message>
        <source>Region boxes (B)</source>
        <translation>영역 상자 (B)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Defect type</source>
        <translation>불량 유형</translation>
    </message>
    <message>
        <source>Anomaly score</source>
        <translation>이상 점수</translation>
    </message>
    <message>
        <source>Type confidence</source>
        <translation>유형 신뢰도</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>일련번호</translation>
    </message>
    <message>
        <source>Reference image</source>
        <translation>기준 이미지</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>검사자</translation>
    </message>
    <message>
        <source>Regions</source>
        <translation>영역</translation>
    </message>
    <message>
        <source>Verdict history</source>
        <translation>판정 이력</translation>
    </message>
    <message>
        <source>Corrective actions</source>
        <translation>조치 내역</translation>
    </message>
    <message>
        <source>Guide</source>
        <translation>가이드</translation>
    </message>
    <message>
        <source>The inspection could not be loaded.</source>
        <translation>검사 기록을 불러올 수 없습니다.</translation>
    </message>
    <message>
        <source>{0} · {1} · {2}</source>
        <translation>{0} · {1} · {2}</translation>
    </message>
    <message>
        <source>No good reference was found for this part.</source>
        <translation>이 부품에 맞는 양품 기준 이미지가 없습니다.</translation>
    </message>
    <message>
        <source>The reference image is missing from the image store.</source>
        <translation>기준 이미지가 이미지 저장소에 없습니다.</translation>
    </message>
    <message>
        <source>The reference image is damaged and cannot be shown.</source>
        <translation>기준 이미지가 손상되어 표시할 수 없습니다.</translation>
    </message>
    <message>
        <source>The image store cannot be reached; the reference is not shown.</source>
        <translation>이미지 저장소에 연결할 수 없어 기준 이미지를 표시하지 않습니다.</translation>
    </message>
    <message>
        <source>Image pruned locally; it is at the centre, which cannot be reached now.</source>
        <translation>이 스테이션에서는 정리된 이미지입니다. 중앙 저장소에 있으나 지금은 연결할 수 없습니다.</translation>
    </message>
    <message>
        <source>No image was recorded for this inspection.</source>
        <translation>이 검사에는 기록된 이미지가 없습니다.</translation>
    </message>
    <message>
        <source>The recorded image is missing from the image store.</source>
        <translation>기록된 이미지가 이미지 저장소에 없습니다.</translation>
    </message>
    <message>
        <source>The recorded image is damaged and cannot be shown.</source>
        <translation>기록된 이미지가 손상되어 표시할 수 없습니다.</translation>
    </message>
    <message>
        <source>The image store cannot be reached; the image is not shown.</source>
        <translation>이미지 저장소에 연결할 수 없어 이미지를 표시하지 않습니다.</translation>
    </message>
    <message>
        <source>No guide was saved for this inspection.</source>
        <translation>이 검사에 저장된 가이드가 없습니다.</translation>
    </message>
    <message>
        <source>Recorded image</source>
        <translation>기록된 이미지</translation>
    </message>
    <message>
        <source>No heatmap is stored for this inspection.</source>
        <translation>이 검사에는 저장된 히트맵이 없습니다.</translation>
    </message>
    <message>
        <source>The heatmap cannot be shown.</source>
        <translation>히트맵을 표시할 수 없습니다.</translation>
    </message>
    <message>
        <source>Nearest good reference</source>
        <translation>가장 가까운 양품 기준</translation>
    </message>
    <message>
        <source>Corrected by {0} ({1}); the station said {2}.</source>
        <translation>{0}님이 정정함 ({1}); 스테이션 판정은 {2}였습니다.</translation>
    </message>
    <message>
        <source>unknown user</source>
        <translation>알 수 없는 사용자</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>unclassified</source>
        <translation>미분류</translation>
    </message>
    <message>
        <source>{0} (FAIL ≥ {1:.3f})</source>
        <translation>{0} (불합격 기준 ≥ {1:.3f})</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>찾지 못함</translation>
    </message>
    <message>
        <source>No region above the pixel threshold.</source>
        <translation>픽셀 임계값을 넘는 영역이 없습니다.</translation>
    </message>
    <message>
        <source>{0:.2f}% of the image</source>
        <translation>이미지의 {0:.2f}%</translation>
    </message>
    <message>
        <source>max {0:.2f}</source>
        <translation>최대 {0:.2f}</translation>
    </message>
    <message>
        <source>{0} · station: {1}</source>
        <translation>{0} · 스테이션: {1}</translation>
    </message>
    <message>
        <source>{0} · {1}: {2} → {3}</source>
        <translation>{0} · {1}: {2} → {3}</translation>
    </message>
    <message>
        <source>No corrective action logged yet.</source>
        <translation>아직 기록된 조치가 없습니다.</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>조치완료</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>보류</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>deferred</source>
        <translation>연기</translation>
    </message>
    <message>
        <source>{0} · {1} · {2}: {3}</source>
        <translation>{0} · {1} · {2}: {3}</translation>
    </message>
</context>
<context>
    <name>InspectionTable</name>
    <message>
        <source>Code</source>
        <translation>코드</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>일시</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>판정</translation>
    </message>
    <message>
        <source>Defect</source>
        <translation>불량</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>이상 점수</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>신뢰도</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>검사자</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>{0}: a person overrode the station's verdict (hover the cell for who, when and how)</source>
        <translation>{0}: 사람이 스테이션의 판정을 정정함 (누가, 언제, 어떻게 정정했는지는 셀에 마우스를 올려 확인)</translation>
    </message>
    <message>
        <source>awaiting action</source>
        <translation>미조치</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>조치중</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>조치완료</translation>
    </message>
    <message>
        <source>good</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>awaiting review</source>
        <translation>검토 대기</translation>
    </message>
    <message>
        <source>Overridden: {0} → {1} by {2} at {3}</source>
        <translation>정정됨: {0} → {1} · {2} · {3}</translation>
    </message>
    <message>
        <source>unknown user</source>
        <translation>알 수 없는 사용자</translation>
    </message>
</context>
<context>
    <name>JobProgress</name>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>cancelling…</source>
        <translation>취소 중…</translation>
    </message>
</context>
<context>
    <name>KeptEditsBanner</name>
    <message>
        <source>Discard</source>
        <translation>버리기</translation>
    </message>
    <message>
        <source>The line changed the product to {0}. Your unsaved changes to {1} are kept here ({2}): save them to {1} or discard them; this screen then follows the line to {0}.</source>
        <translation>라인이 제품을 {0}(으)로 바꾸었습니다. 저장하지 않은 {1}의 변경은 여기 그대로 있습니다 ({2}): {1}에 저장하거나 버리세요. 그 후 이 화면은 라인을 따라 {0}(으)로 바뀝니다.</translation>
    </message>
    <message>
        <source>Save to {0}</source>
        <translation>{0}에 저장</translation>
    </message>
</context>
<context>
    <name>LearningView</name>
    <message>
        <source>False alarms not learned yet</source>
        <translation>아직 학습하지 않은 오경보</translation>
    </message>
    <message>
        <source>Parts a worker marked as false alarms. Choose the ones that are truly good: the model learns what it does not know of them, is checked on the labelled defect images, and goes live as a new version, or is refused with the reason.</source>
        <translation>작업자가 오경보로 표시한 부품입니다. 실제로 양품인 부품을 선택하세요. 모델은 그 부품에서 아직 모르는 부분을 학습하고, 라벨된 불량 이미지로 검증된 뒤 새 버전으로 적용되거나, 이유와 함께 거부됩니다.</translation>
    </message>
    <message>
        <source>Learn</source>
        <translation>학습</translation>
    </message>
    <message>
        <source>Inspection</source>
        <translation>검사</translation>
    </message>
    <message>
        <source>View</source>
        <translation>뷰</translation>
    </message>
    <message>
        <source>Station said</source>
        <translation>스테이션 판정</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>점수</translation>
    </message>
    <message>
        <source>Marked by</source>
        <translation>표시한 사람</translation>
    </message>
    <message>
        <source>When</source>
        <translation>일시</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>모두 선택</translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation>선택 해제</translation>
    </message>
    <message>
        <source>Update model</source>
        <translation>모델 업데이트</translation>
    </message>
    <message>
        <source>Learn the chosen parts without a rebuild; refused when labelled defects would be missed</source>
        <translation>선택한 부품을 재구축 없이 학습합니다. 라벨된 불량을 놓치게 되면 거부됩니다</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>모델:</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>This station cannot update models.</source>
        <translation>이 스테이션에서는 모델을 업데이트할 수 없습니다.</translation>
    </message>
    <message>
        <source>(whole part)</source>
        <translation>(부품 전체)</translation>
    </message>
    <message>
        <source>whole part</source>
        <translation>부품 전체</translation>
    </message>
    <message>
        <source>view {0}</source>
        <translation>뷰 {0}</translation>
    </message>
    <message>
        <source>No false alarms are waiting to be learned.</source>
        <translation>학습을 기다리는 오경보가 없습니다.</translation>
    </message>
    <message>
        <source>Roll back to {0}</source>
        <translation>{0}(으)로 되돌리기</translation>
    </message>
    <message>
        <source>Put the previous model version back (its scores exactly as they were)</source>
        <translation>이전 모델 버전으로 되돌립니다 (점수가 이전과 정확히 같습니다)</translation>
    </message>
    <message>
        <source>No earlier version is kept</source>
        <translation>보관된 이전 버전이 없습니다</translation>
    </message>
    <message>
        <source>Cancelled: the live model is unchanged.</source>
        <translation>취소됨: 운영 중인 모델은 바뀌지 않았습니다.</translation>
    </message>
    <message>
        <source>Tick the false alarms to learn first.</source>
        <translation>먼저 학습할 오경보를 체크하세요.</translation>
    </message>
    <message>
        <source>Updating the model of {0}</source>
        <translation>{0} 모델 업데이트 중</translation>
    </message>
    <message>
        <source>{0}, view {1}</source>
        <translation>{0}, 뷰 {1}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}: accepted.&lt;/b&gt; Version {1} is live: {2} parts learned, {3} patches added to the model.</source>
        <translation>&lt;b&gt;{0}: 승인됨.&lt;/b&gt; 버전 {1}이(가) 적용되었습니다: 부품 {2}개 학습, 모델에 패치 {3}개 추가.</translation>
    </message>
    <message>
        <source>Labelled defects missed: {0} of {1} before, {2} after.</source>
        <translation>라벨된 불량 미검출: 이전 {1}개 중 {0}개, 이후 {2}개.</translation>
    </message>
    <message>
        <source>The product has no labelled defect images: misses could not be checked.</source>
        <translation>이 제품에는 라벨된 불량 이미지가 없어 미검출을 확인할 수 없었습니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}: refused.&lt;/b&gt; The live model is unchanged.</source>
        <translation>&lt;b&gt;{0}: 거부됨.&lt;/b&gt; 운영 중인 모델은 바뀌지 않았습니다.</translation>
    </message>
    <message>
        <source>The updated model would miss {0} of {1} labelled defects where the live model misses {2}; the allowed rise is {3} percentage points.</source>
        <translation>업데이트된 모델은 라벨된 불량 {1}개 중 {0}개를 놓치게 됩니다 (운영 중인 모델은 {2}개). 허용되는 증가는 {3}%p입니다.</translation>
    </message>
    <message>
        <source>The model was updated.</source>
        <translation>모델이 업데이트되었습니다.</translation>
    </message>
    <message>
        <source>The update was refused; the live model is unchanged.</source>
        <translation>업데이트가 거부되었습니다. 운영 중인 모델은 바뀌지 않았습니다.</translation>
    </message>
    <message>
        <source>Rolling back the model of {0}</source>
        <translation>{0} 모델 되돌리는 중</translation>
    </message>
    <message>
        <source>Rolled back: version {0} is live again (it replaced {1}).</source>
        <translation>되돌림: 버전 {0}이(가) 다시 적용되었습니다 ({1}을(를) 대체).</translation>
    </message>
    <message>
        <source>The previous model version is live again.</source>
        <translation>이전 모델 버전이 다시 적용되었습니다.</translation>
    </message>
</context>
<context>
    <name>LibraryBrowserView</name>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>라벨</translation>
    </message>
    <message>
        <source>‹ Previous</source>
        <translation>‹ 이전</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>다음 ›</translation>
    </message>
    <message>
        <source>Relabel</source>
        <translation>라벨 변경</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>삭제…</translation>
    </message>
    <message>
        <source>Relabel selected as</source>
        <translation>선택한 이미지의 라벨을 다음으로 변경</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>모든 이미지</translation>
    </message>
    <message>
        <source>Defect: all types</source>
        <translation>불량: 전체 유형</translation>
    </message>
    <message>
        <source>Defect: {0}</source>
        <translation>불량: {0}</translation>
    </message>
    <message>
        <source>No product</source>
        <translation>제품 없음</translation>
    </message>
    <message>
        <source>Page {0} of {1} · {2}–{3} of {4} images</source>
        <translation>{0}/{1} 페이지 · 이미지 {4}장 중 {2}–{3}</translation>
    </message>
    <message>
        <source>used by {0} inspection(s)</source>
        <translation>검사 {0}건에서 사용됨</translation>
    </message>
    <message>
        <source>{0} selected</source>
        <translation>{0}개 선택됨</translation>
    </message>
    <message>
        <source>Select one or more images first.</source>
        <translation>먼저 이미지를 하나 이상 선택하세요.</translation>
    </message>
    <message>
        <source>{0} image(s) relabelled as {1}.</source>
        <translation>이미지 {0}장의 라벨을 {1}(으)로 변경했습니다.</translation>
    </message>
    <message>
        <source>{0} image(s) removed from the library.</source>
        <translation>이미지 {0}장을 라이브러리에서 삭제했습니다.</translation>
    </message>
    <message>
        <source>Remove images</source>
        <translation>이미지 삭제</translation>
    </message>
    <message>
        <source>Remove {0} image(s) from the library? Models built later will not use them; inspections that used them keep their images.</source>
        <translation>이미지 {0}장을 라이브러리에서 삭제할까요? 이후 만드는 모델은 이 이미지를 쓰지 않으며, 이 이미지를 사용한 검사 기록의 이미지는 그대로 남습니다.</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <source>Drop image files or folders here, or add them with the buttons.</source>
        <translation>이미지 파일이나 폴더를 여기에 끌어 놓거나 버튼으로 추가하세요.</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>파일 추가…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>폴더 추가…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>비우기</translation>
    </message>
    <message>
        <source>normal (good)</source>
        <translation>정상 (양품)</translation>
    </message>
    <message>
        <source>defect</source>
        <translation>불량</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>가져오기</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</source>
        <translation>이미지 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Image folder</source>
        <translation>이미지 폴더</translation>
    </message>
    <message>
        <source>Choose a product and add images first.</source>
        <translation>먼저 제품을 선택하고 이미지를 추가하세요.</translation>
    </message>
    <message>
        <source>Imported {0} images.</source>
        <translation>이미지 {0}장을 가져왔습니다.</translation>
    </message>
    <message>
        <source>Skipped {0}: {1}</source>
        <translation>{0}개 건너뜀: {1}</translation>
    </message>
    <message>
        <source>Import cancelled.</source>
        <translation>가져오기를 취소했습니다.</translation>
    </message>
    <message>
        <source>Importing images</source>
        <translation>이미지 가져오는 중</translation>
    </message>
</context>
<context>
    <name>LineController</name>
    <message>
        <source>Line: connecting…</source>
        <translation>라인: 연결 중…</translation>
    </message>
    <message>
        <source>Line: {0} · online</source>
        <translation>라인: {0} · 온라인</translation>
    </message>
    <message>
        <source>Line offline: {0} — the bench works without it (retry in 30 s)</source>
        <translation>라인 오프라인: {0} — 검사대는 라인 없이 계속 작동합니다 (30초 후 재시도)</translation>
    </message>
</context>
<context>
    <name>LineSettingsDialog</name>
    <message>
        <source>Line I/O of this station</source>
        <translation>이 스테이션의 라인 입출력</translation>
    </message>
    <message>
        <source>MQTT broker</source>
        <translation>MQTT 브로커</translation>
    </message>
    <message>
        <source>Broker URL</source>
        <translation>브로커 URL</translation>
    </message>
    <message>
        <source>Trigger topic</source>
        <translation>트리거 토픽</translation>
    </message>
    <message>
        <source>Result topic</source>
        <translation>결과 토픽</translation>
    </message>
    <message>
        <source>Status topic</source>
        <translation>상태 토픽</translation>
    </message>
    <message>
        <source>Modbus TCP (PLC)</source>
        <translation>Modbus TCP (PLC)</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>호스트</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <source>Trigger coil</source>
        <translation>트리거 코일</translation>
    </message>
    <message>
        <source>Verdict register</source>
        <translation>판정 레지스터</translation>
    </message>
    <message>
        <source>Counter register</source>
        <translation>카운터 레지스터</translation>
    </message>
    <message>
        <source>Reject coil</source>
        <translation>불량 배출 코일</translation>
    </message>
    <message>
        <source>Ready coil</source>
        <translation>준비 코일</translation>
    </message>
    <message>
        <source>not wired</source>
        <translation>연결 안 함</translation>
    </message>
    <message>
        <source>The PLC writes the part's recipe number here (line.toml [recipes]); 0 = the active product</source>
        <translation>PLC가 부품의 레시피 번호를 여기에 씁니다 (line.toml [recipes]); 0 = 현재 활성 제품</translation>
    </message>
    <message>
        <source>The PLC sets this coil to change the active product to the recipe in the recipe register; the station clears it once the changeover is answered</source>
        <translation>PLC가 이 코일을 켜면 활성 제품이 레시피 레지스터의 레시피로 바뀝니다. 스테이션은 품종 전환에 응답한 뒤 코일을 끕니다</translation>
    </message>
    <message>
        <source>The station's answer to a changeover: 1 changed, 4 refused, 5 error</source>
        <translation>품종 전환에 대한 스테이션의 응답: 1 전환됨, 4 거부됨, 5 오류</translation>
    </message>
    <message>
        <source>Recipe register</source>
        <translation>레시피 레지스터</translation>
    </message>
    <message>
        <source>Changeover coil</source>
        <translation>품종 전환 코일</translation>
    </message>
    <message>
        <source>Changeover status register</source>
        <translation>품종 전환 상태 레지스터</translation>
    </message>
    <message>
        <source>Serial line / scanner</source>
        <translation>시리얼 라인 / 스캐너</translation>
    </message>
    <message>
        <source>Reply with the verdict</source>
        <translation>판정으로 응답</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>통신 속도(baud)</translation>
    </message>
    <message>
        <source>Trigger line</source>
        <translation>트리거 문자열</translation>
    </message>
    <message>
        <source>OPC UA server</source>
        <translation>OPC UA 서버</translation>
    </message>
    <message>
        <source>Address listened on; 0.0.0.0 = every interface</source>
        <translation>수신 대기 주소. 0.0.0.0 = 모든 인터페이스</translation>
    </message>
    <message>
        <source>none (no signing, no encryption)</source>
        <translation>없음 (서명·암호화 없음)</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>보안</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>인증서 파일</translation>
    </message>
    <message>
        <source>Private key file</source>
        <translation>개인 키 파일</translation>
    </message>
    <message>
        <source>Trusted client certificates (folder)</source>
        <translation>신뢰하는 클라이언트 인증서 (폴더)</translation>
    </message>
    <message>
        <source>Triggers that may wait</source>
        <translation>대기 가능한 트리거 수</translation>
    </message>
</context>
<context>
    <name>LiveViews</name>
    <message>
        <source>Waiting for the camera of view {0}…</source>
        <translation>뷰 {0}의 카메라 연결 대기 중…</translation>
    </message>
    <message>
        <source>{0} · live · {1:.1f} fps</source>
        <translation>{0} · 실시간 · {1:.1f} fps</translation>
    </message>
    <message>
        <source>{0} · camera lost — reconnecting</source>
        <translation>{0} · 카메라 끊김 — 재연결 중</translation>
    </message>
    <message>
        <source>{0} · connecting…</source>
        <translation>{0} · 연결 중…</translation>
    </message>
    <message>
        <source>{0} · camera stopped</source>
        <translation>{0} · 카메라 정지됨</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>Inspection Station</source>
        <translation>검사 스테이션</translation>
    </message>
    <message>
        <source>Sign in to start inspecting</source>
        <translation>로그인하여 검사를 시작하세요</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>Station {0}</source>
        <translation>스테이션 {0}</translation>
    </message>
    <message>
        <source>No administrator account yet: create one with `station users add NAME --email E --role admin`, or run `station demo`.</source>
        <translation>아직 관리자 계정이 없습니다: `station users add NAME --email E --role admin`으로 만들거나 `station demo`를 실행하세요.</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>사용자 이름과 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>로그인 중…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Inspection Station</source>
        <translation>검사 스테이션</translation>
    </message>
    <message>
        <source>Building the model… {0} %</source>
        <translation>모델 생성 중… {0} %</translation>
    </message>
    <message>
        <source>The model of {0} was not built: {1}</source>
        <translation>{0} 모델을 생성하지 못했습니다: {1}</translation>
    </message>
    <message>
        <source>Bench</source>
        <translation>검사대</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>감독</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>기술자</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>관리</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>제품</translation>
    </message>
    <message>
        <source>no products yet</source>
        <translation>등록된 제품 없음</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>로그아웃</translation>
    </message>
    <message>
        <source>inspect the part in view (bench)</source>
        <translation>화면의 부품 검사 (검사대)</translation>
    </message>
    <message>
        <source>heatmap on/off (bench)</source>
        <translation>히트맵 켜기/끄기 (검사대)</translation>
    </message>
    <message>
        <source>stop the guide (bench)</source>
        <translation>가이드 작성 중지 (검사대)</translation>
    </message>
    <message>
        <source>rate the result and guide (bench, once a result is shown)</source>
        <translation>결과와 가이드 평가 (검사대, 결과가 표시된 뒤)</translation>
    </message>
    <message>
        <source>switch screens</source>
        <translation>화면 전환</translation>
    </message>
    <message>
        <source>refresh the screen</source>
        <translation>화면 새로 고침</translation>
    </message>
    <message>
        <source>sign out</source>
        <translation>로그아웃</translation>
    </message>
    <message>
        <source>quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>this list</source>
        <translation>이 목록</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
</context>
<context>
    <name>ManualsView</name>
    <message>
        <source>Upload manual…</source>
        <translation>매뉴얼 업로드…</translation>
    </message>
    <message>
        <source>No manual for this product yet: upload a DOCX, PDF, Markdown or text manual with a cause and an action section for each defect type.</source>
        <translation>이 제품의 매뉴얼이 아직 없습니다: 불량 유형마다 원인과 조치 섹션이 있는 DOCX, PDF, Markdown 또는 텍스트 매뉴얼을 올리세요.</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>인덱싱됨</translation>
    </message>
    <message>
        <source>not indexed</source>
        <translation>인덱싱 안 됨</translation>
    </message>
    <message>
        <source>{0} · {1} · version {2} · {3} sections · {4}</source>
        <translation>{0} · {1} · 버전 {2} · 섹션 {3}개 · {4}</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>매뉴얼</translation>
    </message>
    <message>
        <source>Manuals (*.docx *.pdf *.md *.txt)</source>
        <translation>매뉴얼 (*.docx *.pdf *.md *.txt)</translation>
    </message>
    <message>
        <source>parsing</source>
        <translation>분석 중</translation>
    </message>
    <message>
        <source>Ingested {0} manual(s), {1} sections.</source>
        <translation>매뉴얼 {0}개, 섹션 {1}개를 등록했습니다.</translation>
    </message>
    <message>
        <source>{0}: no cause/action section for {1}</source>
        <translation>{0}: {1}의 원인/조치 섹션이 없습니다</translation>
    </message>
    <message>
        <source>Ingesting manual</source>
        <translation>매뉴얼 등록 중</translation>
    </message>
</context>
<context>
    <name>OnboardDialog</name>
    <message>
        <source>New product from the live camera</source>
        <translation>라이브 카메라로 새 제품 등록</translation>
    </message>
    <message>
        <source>Product code</source>
        <translation>제품 코드</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>good part</source>
        <translation>양품</translation>
    </message>
    <message>
        <source>Choose 'good part', or type a defect type code (e.g. scratch) for a bad part</source>
        <translation>'양품'을 고르거나, 불량품이면 불량 유형 코드(예: scratch)를 입력하세요</translation>
    </message>
    <message>
        <source>Next capture is</source>
        <translation>다음 촬영</translation>
    </message>
    <message>
        <source>Quick build: the default backbone, no self-configuration (about a minute)</source>
        <translation>빠른 빌드: 기본 백본, 자동 구성 없음 (약 1분)</translation>
    </message>
    <message>
        <source>Capture (C)</source>
        <translation>촬영 (C)</translation>
    </message>
    <message>
        <source>Build the product</source>
        <translation>제품 만들기</translation>
    </message>
    <message>
        <source>Add good parts</source>
        <translation>양품 추가</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>No camera picture yet.</source>
        <translation>아직 카메라 영상이 없습니다.</translation>
    </message>
    <message>
        <source>That is the same picture as the last capture: show the next part.</source>
        <translation>직전 촬영과 같은 영상입니다: 다음 부품을 보여 주세요.</translation>
    </message>
    <message>
        <source>A defect type code is letters, digits, - or _ (up to 50).</source>
        <translation>불량 유형 코드는 영문자, 숫자, - 또는 _ 입니다 (최대 50자).</translation>
    </message>
    <message>
        <source>good</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>{0} good part(s) (at least {1}){2}</source>
        <translation>양품 {0}개 (최소 {1}개){2}</translation>
    </message>
    <message>
        <source>The product code is letters, digits, - or _.</source>
        <translation>제품 코드는 영문자, 숫자, - 또는 _ 입니다.</translation>
    </message>
    <message>
        <source>Building {0}…</source>
        <translation>{0} 만드는 중…</translation>
    </message>
    <message>
        <source>Adding {0} good part(s) to {1}…</source>
        <translation>{1}에 양품 {0}개 추가 중…</translation>
    </message>
    <message>
        <source>unknown (no good part held out)</source>
        <translation>알 수 없음 (검증용 양품 없음)</translation>
    </message>
    <message>
        <source>{0} is ready to inspect ({1:.1f} s, {2} good part(s)). Expected false-alarm rate: {3} at 95 % — add good parts to lower it.</source>
        <translation>{0} 검사 준비 완료 ({1:.1f}초, 양품 {2}개). 예상 오검출률: 95% 신뢰도로 {3} — 양품을 추가하면 낮아집니다.</translation>
    </message>
    <message>
        <source>Build cancelled: {0} keeps its captured parts but has no model yet (build it under Technician › Model builds).</source>
        <translation>빌드 취소됨: {0}의 촬영 부품은 남아 있지만 아직 모델이 없습니다 (기술자 › 모델 빌드에서 만드세요).</translation>
    </message>
    <message>
        <source>Cancelled: the previous model of {0} stays.</source>
        <translation>취소됨: {0}의 이전 모델이 유지됩니다.</translation>
    </message>
</context>
<context>
    <name>OverridePanel</name>
    <message>
        <source>The station was wrong?</source>
        <translation>판정이 틀렸나요?</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>오검출</translation>
    </message>
    <message>
        <source>Missed defect</source>
        <translation>미검출 불량</translation>
    </message>
    <message>
        <source>Other defect type…</source>
        <translation>다른 불량 유형…</translation>
    </message>
    <message>
        <source>note (optional)</source>
        <translation>메모 (선택)</translation>
    </message>
    <message>
        <source>Your role may not override verdicts (workers and supervisors may).</source>
        <translation>이 역할은 판정을 정정할 수 없습니다 (작업자와 감독자만 가능).</translation>
    </message>
    <message>
        <source>defect type…</source>
        <translation>불량 유형…</translation>
    </message>
    <message>
        <source>Choose the defect type first.</source>
        <translation>먼저 불량 유형을 고르세요.</translation>
    </message>
    <message>
        <source>Saving the override…</source>
        <translation>정정 저장 중…</translation>
    </message>
    <message>
        <source>Stored: {0} by {1} at {2}</source>
        <translation>저장됨: {0} · {1} · {2}</translation>
    </message>
    <message>
        <source>{0} · {1} → {2} · {3} · {4}</source>
        <translation>{0} · {1} → {2} · {3} · {4}</translation>
    </message>
    <message>
        <source>Overridden: {0} by {1} at {2}</source>
        <translation>정정됨: {0} · {1} · {2}</translation>
    </message>
</context>
<context>
    <name>PreprocessingView</name>
    <message>
        <source>grayscale</source>
        <translation>흑백</translation>
    </message>
    <message>
        <source>histogram equalisation</source>
        <translation>히스토그램 평활화</translation>
    </message>
    <message>
        <source>CLAHE</source>
        <translation>CLAHE</translation>
    </message>
    <message>
        <source>contrast</source>
        <translation>대비</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>클립</translation>
    </message>
    <message>
        <source>tiles</source>
        <translation>타일</translation>
    </message>
    <message>
        <source>gain</source>
        <translation>배율</translation>
    </message>
    <message>
        <source>offset</source>
        <translation>오프셋</translation>
    </message>
    <message>
        <source>Network input (px, multiple of 32)</source>
        <translation>네트워크 입력 크기 (px, 32의 배수)</translation>
    </message>
    <message>
        <source>Draw ROI</source>
        <translation>ROI 그리기</translation>
    </message>
    <message>
        <source>Draw ignore area</source>
        <translation>무시 영역 그리기</translation>
    </message>
    <message>
        <source>Use current frame</source>
        <translation>현재 프레임 사용</translation>
    </message>
    <message>
        <source>Clear ROI</source>
        <translation>ROI 지우기</translation>
    </message>
    <message>
        <source>Remove area</source>
        <translation>영역 삭제</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>저장되지 않은 변경</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>적용</translation>
    </message>
    <message>
        <source>Press “Use current frame” to draw on a camera picture</source>
        <translation>“현재 프레임 사용”을 눌러 카메라 영상 위에 그리세요</translation>
    </message>
    <message>
        <source>input size</source>
        <translation>입력 크기</translation>
    </message>
    <message>
        <source>ROI</source>
        <translation>ROI</translation>
    </message>
    <message>
        <source>ignore areas</source>
        <translation>제외 영역</translation>
    </message>
    <message>
        <source>Unsaved preprocessing</source>
        <translation>저장되지 않은 전처리</translation>
    </message>
    <message>
        <source>The preprocessing of {0} was changed and not applied: {1}. Save it?</source>
        <translation>{0}의 전처리가 변경되었으나 적용되지 않았습니다: {1}. 저장하시겠습니까?</translation>
    </message>
    <message>
        <source>No camera frame yet.</source>
        <translation>아직 카메라 프레임이 없습니다.</translation>
    </message>
    <message>
        <source>ROI: {0}</source>
        <translation>ROI: {0}</translation>
    </message>
    <message>
        <source>whole image</source>
        <translation>전체 이미지</translation>
    </message>
    <message>
        <source>ignore {0}</source>
        <translation>무시 {0}</translation>
    </message>
    <message>
        <source>ignore</source>
        <translation>무시</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Preprocessing of {0} saved. Rebuild the memory bank to use it.</source>
        <translation>{0}의 전처리를 저장했습니다. 적용하려면 메모리 뱅크를 다시 생성하세요.</translation>
    </message>
</context>
<context>
    <name>RecurrenceAlertsPanel</name>
    <message>
        <source>Show the new inspection</source>
        <translation>새 검사 보기</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>확인 처리</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>구분</translation>
    </message>
    <message>
        <source>New inspection</source>
        <translation>새 검사</translation>
    </message>
    <message>
        <source>Defect</source>
        <translation>불량</translation>
    </message>
    <message>
        <source>Action that did not hold</source>
        <translation>효과가 없었던 조치</translation>
    </message>
    <message>
        <source>Resolved by</source>
        <translation>완료 처리자</translation>
    </message>
    <message>
        <source>Resolved at</source>
        <translation>완료 시각</translation>
    </message>
    <message>
        <source>Since the action</source>
        <translation>조치 이후</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>발생</translation>
    </message>
    <message>
        <source>1 recurrence alert: a defect came back after its action was resolved</source>
        <translation>재발 알림 1건: 조치 완료 후 같은 불량이 다시 나타났습니다</translation>
    </message>
    <message>
        <source>{0} recurrence alerts: a defect came back after its action was resolved</source>
        <translation>재발 알림 {0}건: 조치 완료 후 같은 불량이 다시 나타났습니다</translation>
    </message>
    <message>
        <source>{0} on {1} again at inspection {2}. Corrective action of inspection {3}: "{4}"{5}, logged as resolved by {6} at {7}; {8} before.</source>
        <translation>{1}에서 검사 {2}에 {0} 불량이 다시 나타났습니다. 검사 {3}의 조치: "{4}"{5}, {6}이(가) {7}에 완료로 기록; {8} 전.</translation>
    </message>
    <message>
        <source>1 inspection and {0:.1f} hours</source>
        <translation>검사 1건, {0:.1f}시간</translation>
    </message>
    <message>
        <source>{0} inspections and {1:.1f} hours</source>
        <translation>검사 {0}건, {1:.1f}시간</translation>
    </message>
    <message>
        <source>RECURRENCE</source>
        <translation>재발</translation>
    </message>
    <message>
        <source>1 inspection, {0:.1f} h</source>
        <translation>검사 1건, {0:.1f}시간</translation>
    </message>
    <message>
        <source>{0} inspections, {1:.1f} h</source>
        <translation>검사 {0}건, {1:.1f}시간</translation>
    </message>
    <message>
        <source>Select an alert to see the corrective action that did not hold.</source>
        <translation>알림을 선택하면 효과가 없었던 조치를 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Recurrence alert for inspection {0} acknowledged.</source>
        <translation>검사 {0}의 재발 알림을 확인 처리했습니다.</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <source>READY</source>
        <translation>준비</translation>
    </message>
    <message>
        <source>Press Space or Inspect to check the part in view.</source>
        <translation>Space 키나 검사 버튼을 눌러 화면의 부품을 검사하세요.</translation>
    </message>
    <message>
        <source>Regions</source>
        <translation>영역</translation>
    </message>
    <message>
        <source>Most similar labelled cases</source>
        <translation>가장 유사한 라벨 사례</translation>
    </message>
    <message>
        <source>Score {0:.3f} · FAIL ≥ {1:.3f} · review ≥ {2:.3f} · pixel ≥ {3:.3f}</source>
        <translation>점수 {0:.3f} · 불합격 ≥ {1:.3f} · 재검토 ≥ {2:.3f} · 픽셀 ≥ {3:.3f}</translation>
    </message>
    <message>
        <source>re-evaluated</source>
        <translation>재평가됨</translation>
    </message>
    <message>
        <source>degraded model</source>
        <translation>성능 저하 모델</translation>
    </message>
    <message>
        <source>no good reference indexed</source>
        <translation>인덱싱된 양품 기준 없음</translation>
    </message>
    <message>
        <source>{0}. {1} · {2:.1f}% · max {3:.2f}</source>
        <translation>{0}. {1} · {2:.1f}% · 최대 {3:.2f}</translation>
    </message>
    <message>
        <source>Region {0}: {1}, {2:.2f}% of the image, highest anomaly score {3:.2f}</source>
        <translation>영역 {0}: {1}, 이미지의 {2:.2f}%, 최고 이상 점수 {3:.2f}</translation>
    </message>
    <message>
        <source>no region above the pixel threshold</source>
        <translation>픽셀 임계값을 넘는 영역 없음</translation>
    </message>
    <message>
        <source>No defect</source>
        <translation>불량 없음</translation>
    </message>
    <message>
        <source>Defect type: unknown (no similar labelled defect)</source>
        <translation>불량 유형: 알 수 없음 (유사한 라벨 불량 없음)</translation>
    </message>
    <message>
        <source>Defect type: {0} · confidence {1:.0%}</source>
        <translation>불량 유형: {0} · 신뢰도 {1:.0%}</translation>
    </message>
    <message>
        <source>image #{0} · {1} · similarity {2:.2f}</source>
        <translation>이미지 #{0} · {1} · 유사도 {2:.2f}</translation>
    </message>
    <message>
        <source>Serial: {0}</source>
        <translation>일련번호: {0}</translation>
    </message>
    <message>
        <source>reference #{0}</source>
        <translation>기준 이미지 #{0}</translation>
    </message>
    <message>
        <source>reference #{0} · distance {1:.1f}× usual</source>
        <translation>기준 이미지 #{0} · 거리 평소의 {1:.1f}배</translation>
    </message>
    <message>
        <source>The good reference image most like this part. "Distance 1.0× usual" means the part is as far from it as good references usually are from their own nearest good neighbour; 2× or more means no good reference looks much like this part (the comparison is less telling). It measures the whole picture, not the defect: the score and the heatmap decide the verdict.</source>
        <translation>이 부품과 가장 닮은 양품 기준 이미지입니다. "거리 평소의 1.0배"는 양품 기준 이미지들이 서로 가장 가까운 양품과 떨어진 보통 거리만큼 떨어져 있다는 뜻이며, 2배 이상이면 이 부품과 많이 닮은 양품 기준 이미지가 없다는 뜻입니다(비교의 의미가 약함). 결함이 아니라 이미지 전체를 비교한 값이며, 판정은 점수와 히트맵으로 합니다.</translation>
    </message>
    <message>
        <source>Corrected from {0} by {1} at {2}; the part is now a labelled sample of the product.</source>
        <translation>{1}님이 {2}에 {0} 판정을 정정함. 이 부품은 이제 제품의 라벨 샘플입니다.</translation>
    </message>
<message><source>Heatmap (H)</source><translation>히트맵 (H)</translation></message><message><source>inspected image</source><translation>검사 이미지</translation></message><message><source>nearest good reference</source><translation>가장 가까운 양품 기준</translation></message><message><source>Opacity</source><translation>불투명도</translation></message></context>
<context>
    <name>ShiftReportView</name>
    <message>
        <source> h</source>
        <translation> 시간</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>PDF 내보내기…</translation>
    </message>
    <message>
        <source>Shift day</source>
        <translation>근무일</translation>
    </message>
    <message>
        <source>starts</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>length</source>
        <translation>길이</translation>
    </message>
    <message>
        <source>Shift report</source>
        <translation>근무조 보고서</translation>
    </message>
    <message>
        <source>{0} inspections, {1} defects ({2}), {3} awaiting action</source>
        <translation>검사 {0}건, 불량 {1}건 ({2}), 조치 대기 {3}건</translation>
    </message>
    <message>
        <source>UNCERTAIN</source>
        <translation>판정 보류</translation>
    </message>
    <message>
        <source>Defects by type</source>
        <translation>유형별 불량</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>작성</translation>
    </message>
    <message>
        <source>Code|Time|Inspector|Verdict|Defect|Anomaly|Status</source>
        <translation>코드|시각|검사자|판정|불량|이상 점수|상태</translation>
    </message>
    <message>
        <source>{0} (overridden: {1} → {2} by {3} at {4})</source>
        <translation>{0} (정정됨: {1} → {2}, {3}, {4})</translation>
    </message>
    <message>
        <source>{0} corrective actions and {1} overrides in this period; {2} listed parts overridden</source>
        <translation>이 기간 조치 {0}건, 판정 정정 {1}건; 목록 중 정정된 부품 {2}건</translation>
    </message>
    <message>
        <source>Corrective actions ({0})</source>
        <translation>조치 내역 ({0})</translation>
    </message>
    <message>
        <source>When|Part|By|Action|Result</source>
        <translation>일시|부품|담당자|조치|결과</translation>
    </message>
    <message>
        <source>Verdict overrides ({0})</source>
        <translation>판정 정정 ({0})</translation>
    </message>
    <message>
        <source>When|Part|By|Override|Verdict</source>
        <translation>일시|부품|담당자|정정 유형|판정</translation>
    </message>
    <message>
        <source>None in this period.</source>
        <translation>이 기간에는 없습니다.</translation>
    </message>
    <message>
        <source>Control charts</source>
        <translation>관리도</translation>
    </message>
    <message>
        <source>FAIL + UNCERTAIN (effective verdicts): {0} of {1} ({2}); p̄ of the {3} shifts of the 14 days before: {4}; limits for n = {1}: {5} – {6}: {7}</source>
        <translation>불합격 + 판정 보류 (정정 반영 판정): {1}건 중 {0}건 ({2}); 직전 14일 {3}개 교대의 p̄: {4}; n = {1}의 관리 한계: {5} – {6}: {7}</translation>
    </message>
    <message>
        <source>FAIL + UNCERTAIN (effective verdicts): {0} of {1} ({2}); no shifts in the 14 days before to compare with</source>
        <translation>불합격 + 판정 보류 (정정 반영 판정): {1}건 중 {0}건 ({2}); 비교할 직전 14일의 교대가 없습니다</translation>
    </message>
    <message>
        <source>in control</source>
        <translation>관리 상태</translation>
    </message>
    <message>
        <source>out of control</source>
        <translation>관리 이탈</translation>
    </message>
    <message>
        <source>Anomaly score EWMA (λ {0}, L {1}; centre {2}, σ {3} from {4} parts at the current model): {5} of the shift's {6} charted parts out of control</source>
        <translation>이상 점수 EWMA (λ {0}, L {1}; 현재 모델의 {4}개 부품에서 중심선 {2}, σ {3}): 이 교대의 관리도 부품 {6}개 중 {5}개 관리 이탈</translation>
    </message>
    <message>
        <source>the first {0} at {1}</source>
        <translation>처음은 {0} ({1})</translation>
    </message>
    <message>
        <source>Anomaly score EWMA: too few parts at the current model for limits</source>
        <translation>이상 점수 EWMA: 현재 모델로 판정된 부품이 너무 적어 관리 한계를 정할 수 없습니다</translation>
    </message>
    <message>
        <source>Health alerts ({0})</source>
        <translation>상태 알림 ({0})</translation>
    </message>
    <message>
        <source>When|Alert|View</source>
        <translation>일시|알림|뷰</translation>
    </message>
    <message>
        <source>Health alerts are not kept by this store.</source>
        <translation>이 저장소에는 상태 알림이 기록되지 않습니다.</translation>
    </message>
    <message>
        <source>Choose a product first.</source>
        <translation>먼저 제품을 선택하세요.</translation>
    </message>
    <message>
        <source>Generate the report first.</source>
        <translation>먼저 보고서를 생성하세요.</translation>
    </message>
    <message>
        <source>Export shift report</source>
        <translation>근무조 보고서 내보내기</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>저장함: {0}</translation>
    </message>
</context>
<context>
    <name>StationStatusBar</name>
    <message>
        <source>Model: —</source>
        <translation>모델: —</translation>
    </message>
    <message>
        <source>Sync: local only</source>
        <translation>동기화: 로컬 전용</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>연결 중</translation>
    </message>
    <message>
        <source>live</source>
        <translation>실시간</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>재연결 중</translation>
    </message>
    <message>
        <source>Camera: {0}</source>
        <translation>카메라: {0}</translation>
    </message>
    <message>
        <source>attempt {0}</source>
        <translation>{0}회째 시도</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>로그</translation>
    </message>
    <message>
        <source>Log file (job failures with their tracebacks): {0}</source>
        <translation>로그 파일 (작업 실패와 그 트레이스백): {0}</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>모델: {0}</translation>
    </message>
    <message>
        <source>guide: basic template</source>
        <translation>가이드: 기본 템플릿</translation>
    </message>
    <message>
        <source>guide: {0}</source>
        <translation>가이드: {0}</translation>
    </message>
    <message>
        <source>{0} (degraded)</source>
        <translation>{0} (성능 저하)</translation>
    </message>
    <message>
        <source>Building the model of {0}… {1} %</source>
        <translation>{0} 모델 생성 중… {1} %</translation>
    </message>
    <message>
        <source>Disk: ?</source>
        <translation>디스크: ?</translation>
    </message>
    <message>
        <source>Disk: {0} free · recording paused</source>
        <translation>디스크: {0} 남음 · 기록 일시 중지</translation>
    </message>
    <message>
        <source>Disk: {0} free · {1} files awaiting sync</source>
        <translation>디스크: {0} 남음 · 동기화 대기 파일 {1}개</translation>
    </message>
    <message>
        <source>Recording pauses below {0} free and resumes by itself.</source>
        <translation>여유 공간이 {0} 미만이면 기록이 일시 중지되고, 공간이 확보되면 자동으로 재개됩니다.</translation>
    </message>
    <message>
        <source>Local files: {0} ({1})</source>
        <translation>로컬 파일: {0}개 ({1})</translation>
    </message>
    <message>
        <source>Prunable (already at the centre): {0} ({1})</source>
        <translation>정리 가능(이미 중앙에 있음): {0}개 ({1})</translation>
    </message>
    <message>
        <source>Last prune: {0}</source>
        <translation>마지막 정리: {0}</translation>
    </message>
    <message>
        <source>Nothing is pruned: the storage folder is the object store itself.</source>
        <translation>정리하지 않음: 저장 폴더가 곧 객체 저장소입니다.</translation>
    </message>
    <message>
        <source>Sync: error</source>
        <translation>동기화: 오류</translation>
    </message>
    <message>
        <source>No central database is configured: everything stays on this station.</source>
        <translation>중앙 데이터베이스가 설정되지 않았습니다: 모든 데이터는 이 스테이션에만 저장됩니다.</translation>
    </message>
    <message>
        <source>Sync: {0} pending</source>
        <translation>동기화: {0}건 대기</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source>last success: {0}
last error: {1}</source>
        <translation>마지막 성공: {0}
마지막 오류: {1}</translation>
    </message>
</context>
<context>
    <name>SupervisorScreen</name>
    <message>
        <source>Awaiting action</source>
        <translation>조치 대기</translation>
    </message>
    <message>
        <source>History</source>
        <translation>이력</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>대시보드</translation>
    </message>
    <message>
        <source>Shift report</source>
        <translation>근무조 보고서</translation>
    </message>
</context>
<context>
    <name>TechnicianScreen</name>
    <message>
        <source>Camera</source>
        <translation>카메라</translation>
    </message>
    <message>
        <source>Preprocessing and ROI</source>
        <translation>전처리와 ROI</translation>
    </message>
    <message>
        <source>Thresholds and calibration</source>
        <translation>임계값과 보정</translation>
    </message>
    <message>
        <source>Thresholds from history</source>
        <translation>이력 기반 임계값</translation>
    </message>
    <message>
        <source>Model builds</source>
        <translation>모델 생성</translation>
    </message>
    <message>
        <source>Learning from false alarms</source>
        <translation>오경보 학습</translation>
    </message>
    <message>
        <source>Change log</source>
        <translation>변경 기록</translation>
    </message>
    <message>
        <source>thresholds {0}</source>
        <translation>임계값 {0}</translation>
    </message>
    <message>
        <source>preprocessing: {0}</source>
        <translation>전처리: {0}</translation>
    </message>
</context>
<context>
    <name>ThresholdsView</name>
    <message>
        <source>Thresholds (normalised scores, 0–1)</source>
        <translation>임계값 (정규화 점수, 0–1)</translation>
    </message>
    <message>
        <source>Defect pixels from</source>
        <translation>불량 픽셀 기준</translation>
    </message>
    <message>
        <source>Save thresholds</source>
        <translation>임계값 저장</translation>
    </message>
    <message>
        <source>Run calibration…</source>
        <translation>보정 실행…</translation>
    </message>
    <message>
        <source>Choose a folder of validation images: good/ and one folder per defect type</source>
        <translation>검증 이미지 폴더를 선택하세요: good/ 폴더와 불량 유형별 폴더</translation>
    </message>
    <message>
        <source>Use suggested</source>
        <translation>추천값 사용</translation>
    </message>
    <message>
        <source>Run a calibration to see how good and defect samples score.</source>
        <translation>보정을 실행하면 양품과 불량 샘플의 점수 분포를 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Live preview</source>
        <translation>실시간 미리보기</translation>
    </message>
    <message>
        <source>Score the current frame</source>
        <translation>현재 프레임 채점</translation>
    </message>
    <message>
        <source>No preview yet.</source>
        <translation>아직 미리보기가 없습니다.</translation>
    </message>
    <message>
        <source>Validation images (good/ and defect folders)</source>
        <translation>검증 이미지 (good/ 및 불량 폴더)</translation>
    </message>
    <message>
        <source>Calibrating</source>
        <translation>보정 중</translation>
    </message>
    <message>
        <source>{0} at or above</source>
        <translation>{0} 기준 (이상)</translation>
    </message>
    <message>
        <source>{0} from</source>
        <translation>{0} 시작</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>저장되지 않은 변경</translation>
    </message>
    <message>
        <source>Unsaved thresholds</source>
        <translation>저장되지 않은 임계값</translation>
    </message>
    <message>
        <source>The thresholds of {0} were changed and not saved: {1}. Save them?</source>
        <translation>{0}의 임계값이 변경되었으나 저장되지 않았습니다: {1}. 저장하시겠습니까?</translation>
    </message>
    <message>
        <source>defect pixels</source>
        <translation>불량 픽셀</translation>
    </message>
    <message>
        <source>Thresholds of {0} saved.</source>
        <translation>{0}의 임계값을 저장했습니다.</translation>
    </message>
    <message>
        <source>No {0} band: every part is {1} or {2}. Lower "{0} from" to hold doubtful parts for a person.</source>
        <translation>{0} 구간 없음: 모든 부품이 {1} 또는 {2}입니다. 애매한 부품을 사람이 확인하도록 "{0} 시작" 값을 낮추십시오.</translation>
    </message>
    <message>
        <source>{0} band {1:.3f} – {2:.3f}, width {3:.3f}</source>
        <translation>{0} 구간 {1:.3f} – {2:.3f}, 폭 {3:.3f}</translation>
    </message>
    <message>
        <source>Score distribution</source>
        <translation>점수 분포</translation>
    </message>
    <message>
        <source>No calibration yet</source>
        <translation>아직 보정 결과가 없습니다</translation>
    </message>
    <message>
        <source>ROC</source>
        <translation>ROC</translation>
    </message>
    <message>
        <source>good ({0})</source>
        <translation>양품 ({0})</translation>
    </message>
    <message>
        <source>defect ({0})</source>
        <translation>불량 ({0})</translation>
    </message>
    <message>
        <source>suggested</source>
        <translation>추천</translation>
    </message>
    <message>
        <source>image score</source>
        <translation>이미지 점수</translation>
    </message>
    <message>
        <source>ROC (AUROC {0:.3f})</source>
        <translation>ROC (AUROC {0:.3f})</translation>
    </message>
    <message>
        <source>false alarm rate</source>
        <translation>오검출률</translation>
    </message>
    <message>
        <source>Add labelled defect images to see the ROC</source>
        <translation>ROC를 보려면 라벨이 있는 불량 이미지를 추가하세요</translation>
    </message>
    <message>
        <source>{0} good and {1} defect samples. Suggested: {2} from {3:.3f}, {4} from {5:.3f}: a band {6:.3f} wide</source>
        <translation>양품 {0}개, 불량 {1}개 샘플. 제안: {2} {3:.3f}부터, {4} {5:.3f}부터: 폭 {6:.3f}의 구간</translation>
    </message>
    <message>
        <source>the gap between the good parts' {0:.0%} quantile ({1:.3f}) and the defects' {2:.0%} quantile ({3:.3f}): a part there looks like neither and is held for a person</source>
        <translation>양품의 {0:.0%} 분위수({1:.3f})와 불량의 {2:.0%} 분위수({3:.3f}) 사이의 틈: 이 구간의 부품은 어느 쪽과도 닮지 않아 사람이 확인합니다</translation>
    </message>
    <message>
        <source>the overlap of the classes, from the defects' {0:.0%} quantile ({1:.3f}) to the good parts' {2:.0%} quantile ({3:.3f}): a part there could be either and a person decides</source>
        <translation>두 부류가 겹치는 구간, 불량의 {0:.0%} 분위수({1:.3f})부터 양품의 {2:.0%} 분위수({3:.3f})까지: 이 구간의 부품은 어느 쪽일 수도 있어 사람이 판정합니다</translation>
    </message>
    <message>
        <source>below the good parts' {0:.0%} quantile ({1:.3f}); add defect images for a band drawn from both classes</source>
        <translation>양품의 {0:.0%} 분위수({1:.3f}) 아래; 두 부류에서 구간을 정하려면 불량 이미지를 추가하십시오</translation>
    </message>
    <message>
        <source>{0}, covering {1}.</source>
        <translation>{0}, 범위: {1}.</translation>
    </message>
    <message>
        <source>Widened to the minimum width {0:.2f}.</source>
        <translation>최소 폭 {0:.2f}로 넓혔습니다.</translation>
    </message>
    <message>
        <source>False-alarm target {0:.0%}.</source>
        <translation>오경보 목표 {0:.0%}.</translation>
    </message>
    <message>
        <source>No camera frame yet.</source>
        <translation>아직 카메라 프레임이 없습니다.</translation>
    </message>
    <message>
        <source>{0}: score {1:.3f}, {2} regions at these thresholds</source>
        <translation>{0}: 점수 {1:.3f}, 이 임계값에서 영역 {2}개</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message>
        <source>User</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>이메일</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>활성</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>마지막 로그인</translation>
    </message>
    <message>
        <source>at least 8 characters</source>
        <translation>8자 이상</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>전체 이름</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>사용자 추가</translation>
    </message>
    <message>
        <source>Save roles</source>
        <translation>역할 저장</translation>
    </message>
    <message>
        <source>Enable / disable</source>
        <translation>활성 / 비활성</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>비밀번호 재설정</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>User {0} added.</source>
        <translation>사용자 {0}을(를) 추가했습니다.</translation>
    </message>
    <message>
        <source>Roles of {0} saved.</source>
        <translation>{0}의 역할을 저장했습니다.</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>먼저 사용자를 선택하세요.</translation>
    </message>
    <message>
        <source>{0} is now {1}.</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>비활성화됨</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>활성화됨</translation>
    </message>
    <message>
        <source>Password of {0} changed.</source>
        <translation>{0}의 비밀번호를 변경했습니다.</translation>
    </message>
</context>
<context>
    <name>ViewBar</name>
    <message>
        <source>View</source>
        <translation>뷰</translation>
    </message>
    <message>
        <source>Builds, thresholds, calibration, preprocessing and the view's camera act on the view chosen here</source>
        <translation>모델 생성, 임계값, 보정, 전처리와 뷰 카메라는 여기서 고른 뷰에 적용됩니다</translation>
    </message>
    <message>
        <source>Add view…</source>
        <translation>뷰 추가…</translation>
    </message>
    <message>
        <source>Another camera on the same part (e.g. a side view): its own camera, preprocessing, thresholds and memory bank</source>
        <translation>같은 부품을 보는 다른 카메라(예: 측면 뷰): 자체 카메라, 전처리, 임계값과 메모리 뱅크를 가집니다</translation>
    </message>
    <message>
        <source>the product's own configuration (implicit view)</source>
        <translation>제품 자체 설정 (기본 뷰)</translation>
    </message>
    <message>
        <source>The line inspects {0} from its views: {1}.</source>
        <translation>라인은 {0}을(를) 다음 뷰로 검사합니다: {1}.</translation>
    </message>
    <message>
        <source>{0} has one camera view.</source>
        <translation>{0}은(는) 카메라 뷰가 하나입니다.</translation>
    </message>
</context>
<context>
    <name>ViewTile</name>
    <message>
        <source>deciding view</source>
        <translation>판정을 결정한 뷰</translation>
    </message>
    <message>
        <source>NOT INSPECTED</source>
        <translation>검사 안 됨</translation>
    </message>
    <message>
        <source>score {0} · regions {1}</source>
        <translation>점수 {0} · 영역 {1}</translation>
    </message>
    <message>
        <source>skew {0:.1f} ms</source>
        <translation>시차 {0:.1f} ms</translation>
    </message>
    <message>
        <source>no picture</source>
        <translation>이미지 없음</translation>
    </message>
    <message>
        <source>no good reference</source>
        <translation>양품 기준 이미지 없음</translation>
    </message>
    <message>
        <source>reference #{0}</source>
        <translation>기준 이미지 #{0}</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Camera not started: {0}</source>
        <translation>카메라를 시작하지 못했습니다: {0}</translation>
    </message>
</context>
<context><name>Target</name><message><source>{0}, view {1}</source><translation>{0}, 뷰 {1}</translation></message><message><source>No camera frame yet.</source><translation>아직 카메라 프레임이 없습니다.</translation></message><message><source>View {0} has no camera: set its source on the Camera tab.</source><translation>뷰 {0}에 카메라가 없습니다: 카메라 탭에서 입력을 지정하세요.</translation></message><message><source>The camera of view {0} runs while the bench shows {1}: choose {1} at the bench.</source><translation>뷰 {0}의 카메라는 작업대가 {1}을(를) 표시할 때 동작합니다: 작업대에서 {1}을(를) 선택하세요.</translation></message><message><source>No frame from the camera of view {0} yet.</source><translation>아직 뷰 {0}의 카메라 프레임이 없습니다.</translation></message></context><context><name>DisplayNames</name><message><source>Awaiting action</source><translation>조치 대기</translation></message><message><source>In progress</source><translation>조치중</translation></message><message><source>Resolved</source><translation>조치 완료</translation></message><message><source>OK</source><translation>정상</translation></message><message><source>Awaiting review</source><translation>검토대기</translation></message><message><source>False alarm</source><translation>오검출</translation></message><message><source>Administrator</source><translation>시스템 관리자</translation></message><message><source>Supervisor</source><translation>감독</translation></message><message><source>Worker</source><translation>작업자</translation></message><message><source>Viewer</source><translation>열람자</translation></message><message><source>Station</source><translation>스테이션</translation></message><message><source>PASS</source><translation>합격</translation></message><message><source>FAIL</source><translation>불합격</translation></message><message><source>UNCERTAIN</source><translation>판정 보류</translation></message><message><source>false alarm</source><translation>오검출</translation></message><message><source>missed defect</source><translation>미검출</translation></message><message><source>other defect type</source><translation>다른 불량 유형</translation></message><message><source>good</source><translation>정상</translation></message><message><source>defect</source><translation>불량</translation></message><message><source>test</source><translation>검사용</translation></message><message><source>unclassified</source><translation>미분류</translation></message><message><source>Picture darker</source><translation>화면 어두워짐</translation></message><message><source>Picture brighter</source><translation>화면 밝아짐</translation></message><message><source>Contrast lower</source><translation>대비 낮아짐</translation></message><message><source>Contrast higher</source><translation>대비 높아짐</translation></message><message><source>Focus lost</source><translation>초점 흐려짐</translation></message><message><source>Camera moved</source><translation>카메라 위치 변경</translation></message><message><source>Good parts scoring higher</source><translation>양품 점수 상승</translation></message><message><source>left</source><translation>왼쪽</translation></message><message><source>right</source><translation>오른쪽</translation></message><message><source>up</source><translation>위쪽</translation></message><message><source>down</source><translation>아래쪽</translation></message><message><source>up and left</source><translation>왼쪽 위</translation></message><message><source>up and right</source><translation>오른쪽 위</translation></message><message><source>down and left</source><translation>왼쪽 아래</translation></message><message><source>down and right</source><translation>오른쪽 아래</translation></message><message><source>Picture darker than at calibration ({0} grey levels): check the lamp and the lens.</source><translation>화면이 보정 때보다 어둡습니다 (밝기 {0} 단계): 조명과 렌즈를 확인하세요.</translation></message><message><source>Picture brighter than at calibration ({0} grey levels): check the lamp and stray light.</source><translation>화면이 보정 때보다 밝습니다 (밝기 {0} 단계): 조명과 외부 빛을 확인하세요.</translation></message><message><source>Contrast lower than at calibration ({0} %): check the light and the lens.</source><translation>대비가 보정 때보다 낮습니다 ({0} %): 조명과 렌즈를 확인하세요.</translation></message><message><source>Contrast higher than at calibration ({0} %): check the light.</source><translation>대비가 보정 때보다 높습니다 ({0} %): 조명을 확인하세요.</translation></message><message><source>Focus lost (sharpness {0} %): check the lens focus and the part's position.</source><translation>초점이 흐려졌습니다 (선명도 {0} %): 렌즈 초점과 부품 위치를 확인하세요.</translation></message><message><source>Camera moved: the picture shifted about {0} px {1}. Check the camera mount and the fixture.</source><translation>카메라가 움직였습니다: 화면이 {1} 방향으로 약 {0} px 이동했습니다. 카메라 고정대와 지그를 확인하세요.</translation></message><message><source>Good parts score higher than usual ({0} instead of {1}): tell the supervisor.</source><translation>양품의 점수가 평소보다 높습니다 (평소 {1}, 현재 {0}): 관리자에게 알리세요.</translation></message></context></TS>