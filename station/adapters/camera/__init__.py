"""Camera capture with OpenCV (devices, video files, RTSP/HTTP streams, image-folder replay); Qt-free."""
