// Package deps pins modules that packages still being written will import; removed once they do.
package deps

import (
	_ "github.com/alicebob/miniredis/v2"
	_ "github.com/casbin/casbin/v2"
	_ "github.com/chromedp/chromedp"
	_ "github.com/glebarez/sqlite"
	_ "github.com/google/uuid"
	_ "github.com/hashicorp/go-plugin"
	_ "github.com/hibiken/asynq"
	_ "github.com/hibiken/asynqmon"
	_ "github.com/jackc/pgx/v5"
	_ "github.com/labstack/echo/v4"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/crypto/argon2"
	_ "gorm.io/driver/postgres"
	_ "gorm.io/gorm"
)
